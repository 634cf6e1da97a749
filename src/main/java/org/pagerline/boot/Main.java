package org.pagerline.boot;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.pagerline.cli.Cli;

/** {@code pagerline ...}: the command line, of which {@code server} is one command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The server logs at INFO; admin commands keep the terminal for their own output.
        boolean server = Arrays.asList(args).contains("server");
        if (System.getProperty("pagerline.log.level") == null) {
            System.setProperty("pagerline.log.level", server ? "INFO" : "WARN");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int status = Cli.run(config -> new Backends.Live(config, System.getenv()), out, err, args);
        System.exit(status);
    }
}
