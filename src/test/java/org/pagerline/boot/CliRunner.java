package org.pagerline.boot;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.pagerline.cli.Backend;
import org.pagerline.cli.Cli;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.service.Services;

/**
 * Runs the real command line in-process against a database in {@code dataDir}, as a separate
 * {@code pagerline} invocation would: each run opens the database, does one thing, closes it.
 */
final class CliRunner {
    private final Map<String, String> settings = new HashMap<>();
    private final Clock clock;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    CliRunner(Path dataDir, Clock clock) {
        settings.put("data.dir", dataDir.toString());
        this.clock = clock;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(configFile -> new Backend() {
            private Wiring.Data data;

            @Override
            public Services services() {
                if (data == null) {
                    data = Wiring.openData(PagerlineConfig.from(Settings.ofMap(settings)), clock);
                }
                return data.services();
            }

            @Override
            public int runServer() {
                throw new UnsupportedOperationException("not in CLI tests");
            }

            @Override
            public void close() {
                if (data != null) {
                    data.close();
                }
            }
        }, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs a command that must succeed (exit 0, else the test fails with what it printed). */
    Result ok(String... args) {
        Result r = run(args);
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exit(), r.all());
        return r;
    }

    /** Runs a command that must succeed and reads its output as JSON, as a script would. */
    com.fasterxml.jackson.databind.JsonNode json(String... args) throws java.io.IOException {
        return JSON.readTree(ok(args).out());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
