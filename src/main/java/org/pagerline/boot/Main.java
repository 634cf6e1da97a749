package org.pagerline.boot;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.pagerline.adapter.admin.AdminClient;
import org.pagerline.cli.Backend;
import org.pagerline.cli.Cli;

/**
 * {@code pagerline ...}: the command line, of which {@code server} is one command. While a server
 * runs on the data directory, a command is sent to it over the admin socket and run there
 * ({@link AdminClient}); this path loads nothing heavy, so keep it that way. Only when no server
 * runs does the command line load everything and open the database itself.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (UserPassword.wanted(args)) {
            try {
                args = UserPassword.hashed(args, System.getenv(), System.console(), System.in);
            } catch (IllegalArgumentException | java.io.IOException e) {
                System.err.println("error: " + e.getMessage());
                System.exit(Cli.USAGE);
            }
        }
        boolean server = "server".equals(AdminClient.command(args));
        if (!server) {
            int status = AdminClient.run(args, System.getenv(), System.out, System.err);
            if (status != AdminClient.NO_SERVER) {
                System.out.flush();
                System.exit(status);
            }
        }
        System.exit(runHere(args, server));
    }

    /** The command in this process: the server itself, or a command over the database opened here. */
    private static int runHere(String[] args, boolean server) {
        // The server logs at INFO; admin commands keep the terminal for their own output.
        if (System.getProperty("pagerline.log.level") == null) {
            System.setProperty("pagerline.log.level", server ? "INFO" : "WARN");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        try {
            return Cli.run(config -> new Backends.Live(config, System.getenv()), out, err, args);
        } catch (Backend.ServerStarted started) {
            // a server started as this command waited for the database: it runs the command
            int status = AdminClient.run(args, System.getenv(), System.out, System.err);
            return status == AdminClient.NO_SERVER ? Cli.FAULT : status;
        }
    }
}
