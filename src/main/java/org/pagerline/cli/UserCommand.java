package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.pagerline.core.web.StaffRole;
import org.pagerline.core.web.StaffUser;
import org.pagerline.service.web.StaffAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Staff accounts for the web console. The password is read where the command is typed (from
 * {@code PAGERLINE_USER_PASSWORD}, else standard input), never from the command line, and only
 * its Argon2id hash travels on ({@code --password-hash}, added by the launcher).
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Staff accounts for the web console.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Password.class, UserCommand.SignOut.class,
                UserCommand.Remove.class})
final class UserCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a staff account. The password comes from PAGERLINE_USER_PASSWORD or standard input"
                    + " (one line); at least 12 characters. Name it as the technician on the roster to acknowledge"
                    + " and take queue calls from the console.")
    static final class Add implements Runnable {
        @ParentCommand
        UserCommand parent;

        @Parameters(index = "0", paramLabel = "NAME", description = "Account name (a technician's name for technicians).")
        String name;

        @Option(names = "--role", required = true, description = "tech, lead or admin.")
        String role;

        @Option(names = "--password-hash", hidden = true,
                description = "Argon2id PHC string (the launcher hashes the password it read and passes this).")
        String hash;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            StaffRole r = StaffRole.parse(role);
            StaffUser u = parent.root.services().web().staff().add(name, r, requireHash(hash));
            parent.root.out().println(json ? Json.write(json(u)) : "added user " + u.id() + ": " + u.name() + " ("
                    + u.role().name().toLowerCase() + ")");
        }
    }

    @Command(name = "signout", mixinStandardHelpOptions = true,
            description = "End every console session of a staff account now (a lost laptop, a session that leaked,"
                    + " someone leaving): each browser signed in as them must sign in again, and its live view ends.")
    static final class SignOut implements Runnable {
        @ParentCommand
        UserCommand parent;

        @Parameters(index = "0", paramLabel = "NAME", description = "The account's name (see: pagerline user list).")
        String name;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            var ended = parent.root.services().web().staff().signOutEverywhere(name);
            parent.ended(ended, json, "signed out " + ended.user().name() + " everywhere: ");
        }
    }

    @Command(name = "password", mixinStandardHelpOptions = true,
            description = "Give a staff account a new password (a forgotten one, one that leaked). The password comes"
                    + " from PAGERLINE_USER_PASSWORD or standard input (one line); at least 12 characters. Every console"
                    + " session of the account ends: its browsers sign in again with the new one.")
    static final class Password implements Runnable {
        @ParentCommand
        UserCommand parent;

        @Parameters(index = "0", paramLabel = "NAME", description = "The account's name (see: pagerline user list).")
        String name;

        @Option(names = "--password-hash", hidden = true,
                description = "Argon2id PHC string (the launcher hashes the password it read and passes this).")
        String hash;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            StaffUser u = parent.root.services().web().staff().changePassword(name, requireHash(hash));
            parent.root.out().println(json ? Json.write(json(u)) : "new password for " + u.name()
                    + "; every console session of the account ended");
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a staff account (someone leaving): it can no longer sign in, and every console session"
                    + " of it ends now. The last admin account cannot be removed.")
    static final class Remove implements Runnable {
        @ParentCommand
        UserCommand parent;

        @Parameters(index = "0", paramLabel = "NAME", description = "The account's name (see: pagerline user list).")
        String name;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            var removed = parent.root.services().web().staff().remove(name);
            parent.ended(removed, json, "removed user " + removed.user().name() + "; ");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List staff accounts.")
    static final class ListUsers implements Runnable {
        @ParentCommand
        UserCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            List<StaffUser> all = parent.root.services().web().staff().list();
            if (json) {
                ArrayNode a = Json.array();
                all.forEach(u -> a.add(json(u)));
                parent.root.out().println(Json.write(a));
            } else if (all.isEmpty()) {
                parent.root.out().println("no users yet (add one with: pagerline user add NAME --role admin)");
            } else {
                all.forEach(u -> parent.root.out().println(String.format("%-4d %-30s %s", u.id(), u.name(),
                        u.role().name().toLowerCase())));
            }
        }
    }

    /** What ending an account's sessions did: {@code done} and "N console sessions ended", or JSON with sessionsEnded. */
    void ended(StaffAccounts.Ended e, boolean asJson, String done) {
        if (asJson) {
            root.out().println(Json.write(json(e.user()).put("sessionsEnded", e.sessionsEnded())));
        } else {
            int n = e.sessionsEnded();
            root.out().println(done + n + " console session" + (n == 1 ? "" : "s") + " ended");
        }
    }

    /** The password's hash, which the launcher adds once it has read and hashed the password. */
    static String requireHash(String hash) {
        if (hash == null) {
            throw Cli.invalid("no password given: set PAGERLINE_USER_PASSWORD or pipe it on standard input");
        }
        return hash;
    }

    static ObjectNode json(StaffUser u) {
        ObjectNode n = Json.object();
        n.put("id", u.id());
        n.put("name", u.name());
        n.put("role", u.role().name().toLowerCase());
        return n;
    }
}
