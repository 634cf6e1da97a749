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
        if (!Passwords.wellFormed(passwordHash)) {
            throw new ValidationException("password hash is not an Argon2id PHC string");
        }
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

    /** The account of this name (names are unique ignoring case), if any. */
    public Optional<StaffUser> named(String name) {
        return name == null || name.isBlank() ? Optional.empty() : tx.inTransaction(s -> s.web().staffByName(name.strip()));
    }

    /** Ends every session of this account (after a password change or removal). */
    public int signOutEverywhere(long staffId) {
        return tx.inTransaction(s -> s.web().deleteSessions(WebSession.Kind.STAFF, staffId));
    }
}
