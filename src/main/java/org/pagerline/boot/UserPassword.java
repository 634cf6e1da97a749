package org.pagerline.boot;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.pagerline.service.web.Passwords;

/**
 * {@code pagerline user add} and {@code pagerline user password}: the password is read here, in the process the admin typed the
 * command in (from {@code PAGERLINE_USER_PASSWORD}, else the terminal without echo, else one line
 * of standard input), checked and hashed (Argon2id); only the hash goes on, as
 * {@code --password-hash}, to the command (which may run in the server, over the admin socket).
 * The password never appears on a command line, in a log or on the socket.
 */
final class UserPassword {
    static final String ENV = "PAGERLINE_USER_PASSWORD";
    /** The {@code user} subcommands that take a password. */
    static final List<String> SUBCOMMANDS = List.of("add", "password");

    private UserPassword() {}

    static boolean wanted(String[] args) {
        List<String> a = Arrays.asList(args);
        int user = a.indexOf("user");
        return user >= 0 && user + 1 < a.size() && SUBCOMMANDS.contains(a.get(user + 1)) && !a.contains("--password-hash")
                && !a.contains("--help") && !a.contains("-h");
    }

    /** The arguments with {@code --password-hash HASH} added; a ValidationException for a bad password. */
    static String[] hashed(String[] args, Map<String, String> env, Console console, InputStream stdin) throws IOException {
        char[] password;
        String fromEnv = env.get(ENV);
        if (fromEnv != null) {
            password = fromEnv.toCharArray();
        } else if (console != null) {
            boolean change = Arrays.asList(args).contains("password");
            password = console.readPassword(change ? "New password: " : "Password for the new account: ");
        } else {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        try {
            String hash = new Passwords().hash(password);
            List<String> out = new ArrayList<>(Arrays.asList(args));
            out.add("--password-hash");
            out.add(hash);
            return out.toArray(new String[0]);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }
}
