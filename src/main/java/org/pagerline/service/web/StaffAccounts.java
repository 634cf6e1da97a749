package org.pagerline.service.web;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.text.TextField;
import org.pagerline.core.web.StaffRole;
import org.pagerline.core.web.StaffUser;
import org.pagerline.core.web.WebSession;
import org.pagerline.service.Transactions;
import org.pagerline.service.ValidationException;

/** Staff accounts: added from the command line ({@code pagerline user add}), checked at console sign-in. */
public final class StaffAccounts {
    private final Transactions tx;
    private final Clock clock;
    private final Passwords passwords;

    public StaffAccounts(Transactions tx, Clock clock, Passwords passwords) {
        this.tx = tx;
        this.clock = clock;
        this.passwords = passwords;
    }

    /**
     * Adds an account. {@code passwordHash} is an Argon2id PHC string made by {@link Passwords#hash}
     * where the password was typed (the command line hashes it; the password itself never travels).
     */
    public StaffUser add(String name, StaffRole role, String passwordHash) {
        String n = WebText.check(TextField.TECHNICIAN_NAME, name);
        if (n == null) {
            throw new ValidationException("user name is missing");
        }
        if (role == null) {
            throw new ValidationException("--role is missing (tech, lead or admin)");
        }
        requireHash(passwordHash);
        return tx.inTransaction(s -> {
            if (s.web().staffByName(n).isPresent()) {
                throw new ValidationException("a user named '" + n + "' already exists");
            }
            return s.web().insertStaff(new StaffUser(0, n, role, passwordHash, clock.instant()));
        });
    }

    public List<StaffUser> list() {
        return tx.inTransaction(s -> s.web().staffList());
    }

    public Optional<StaffUser> find(long id) {
        return tx.inTransaction(s -> s.web().staff(id));
    }

    /** The account when the name and password match; empty otherwise (the same time either way). */
    public Optional<StaffUser> authenticate(String name, char[] password) {
        Optional<StaffUser> u = name == null || name.isBlank() || name.length() > 200 ? Optional.empty()
                : tx.inTransaction(s -> s.web().staffByName(name.trim()));
        if (u.isEmpty()) {
            passwords.burn(password);
            return Optional.empty();
        }
        return passwords.verify(u.get().passwordHash(), password) ? u : Optional.empty();
    }

    /**
     * A new password for the account named {@code name} (its Argon2id hash, made where it was typed);
     * every console session of the account ends with the old password. Returns the account.
     */
    public StaffUser changePassword(String name, String passwordHash) {
        requireHash(passwordHash);
        return tx.inTransaction(s -> {
            StaffUser u = existing(s, name);
            s.web().updateStaffPassword(u.id(), passwordHash);
            s.web().deleteSessions(WebSession.Kind.STAFF, u.id());
            return u;
        });
    }

    /**
     * Removes the account named {@code name} (someone leaving) and ends its sessions, in one
     * transaction; the last admin account is kept (the console would have no one to run it).
     */
    public Ended remove(String name) {
        return tx.inTransaction(s -> {
            StaffUser u = existing(s, name);
            if (u.role() == StaffRole.ADMIN && s.web().staffList().stream().filter(x -> x.role() == StaffRole.ADMIN).count() == 1) {
                throw new ValidationException("'" + u.name() + "' is the last admin account; add another admin first");
            }
            int sessions = s.web().deleteSessions(WebSession.Kind.STAFF, u.id());
            s.web().deleteStaff(u.id());
            return new Ended(u, sessions);
        });
    }

    /** An account signed out everywhere, or removed, with how many of its sessions ended. */
    public record Ended(StaffUser user, int sessionsEnded) {}

    /** Ends every console session of the account named {@code name} (a lost laptop, a leaked session). */
    public Ended signOutEverywhere(String name) {
        return tx.inTransaction(s -> {
            StaffUser u = existing(s, name);
            return new Ended(u, s.web().deleteSessions(WebSession.Kind.STAFF, u.id()));
        });
    }

    /** Only what the command line made where the password was typed: an Argon2id PHC string. */
    private static void requireHash(String passwordHash) {
        if (!Passwords.wellFormed(passwordHash)) {
            throw new ValidationException("password hash is not an Argon2id PHC string");
        }
    }

    private static StaffUser existing(org.pagerline.service.Stores s, String name) {
        String n = name == null ? "" : name.strip();
        return (n.isEmpty() ? Optional.<StaffUser>empty() : s.web().staffByName(n))
                .orElseThrow(() -> new ValidationException("no user named '" + n + "' (see: pagerline user list)"));
    }

}
