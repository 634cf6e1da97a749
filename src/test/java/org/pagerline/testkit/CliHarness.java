package org.pagerline.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.pagerline.cli.Backend;
import org.pagerline.cli.Cli;
import org.pagerline.service.Services;

/** Runs the real command line in-process over services a test built. */
public final class CliHarness {
    private CliHarness() {}

    public record Result(int exit, String out, String err) {}

    public static Result run(Services services, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Backend backend = new Backend() {
            @Override
            public Services services() {
                return services;
            }

            @Override
            public int runServer() {
                throw new AssertionError("the server is not run from CLI tests");
            }

            @Override
            public void close() {
                // the test owns the services and closes them
            }
        };
        int exit = Cli.run(config -> backend, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }
}
