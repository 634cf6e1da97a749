package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.boot.Wiring;
import org.pagerline.service.EngineKick;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * The server runs every command sent to it on a command-line model it built once: a run must
 * leave nothing behind for the next (options back to their defaults, lists not accumulated, a
 * usage error forgotten), so the output is what a fresh {@code pagerline} would print.
 */
class ReusedCommandLineTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final Services services = Wiring.services(PagerlineConfig.from(Settings.ofMap(java.util.Map.of())),
            db.transactions(), MutableClock.at("2026-11-23T10:00:00-06:00"), new EngineKick());
    private final Cli.Prepared model = new Cli.Prepared(config -> new Backend() {
        @Override
        public Services services() {
            return services;
        }

        @Override
        public int runServer() {
            throw new AssertionError("not here");
        }

        @Override
        public void close() {
            // the test owns the services
        }
    });
    private String out;
    private String err;

    @AfterEach
    void close() {
        db.close();
    }

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int exit = model.run(new PrintWriter(o), new PrintWriter(e), args);
        out = o.toString();
        err = e.toString();
        return exit;
    }

    /** What a fresh model prints, as {@code pagerline} typed at a shell makes one per run. */
    private String fresh(String... args) {
        return CliHarness.run(services, args).out();
    }

    @Test
    void aRunLeavesNothingBehindForTheNext() {
        assertEquals(0, run("tech", "add", "--name", "Alice Able", "--phone", "+12045550101"));
        assertEquals(0, run("tech", "add", "--name", "Bob Baker", "--phone", "+12045550102"));
        assertEquals(0, run("rotation", "set", "PRIMARY", "--members", "Alice Able,Bob Baker", "--start", "2026-11-02"));
        assertEquals(0, run("rotation", "set", "PRIMARY", "--members", "Bob Baker", "--start", "2026-11-02"));
        assertEquals(0, run("rotation", "show", "PRIMARY", "--json"));
        assertTrue(out.contains("Bob Baker") && !out.contains("Alice Able"), "the second --members replaced the first: " + out);

        assertEquals(0, run("tech", "list", "--json"));
        assertTrue(out.startsWith("["), out);
        assertEquals(0, run("tech", "list"));
        assertEquals(fresh("tech", "list"), out, "--json is off again");

        assertEquals(2, run("tech", "add", "--name", "Carol"));
        assertTrue(err.startsWith("error: Missing required option: '--phone"), err);
        assertEquals(0, run("oncall", "--at", "2026-11-23T03:00:00-06:00"));
        assertEquals("", err);
        assertEquals(fresh("oncall", "--at", "2026-11-23T03:00:00-06:00"), out);
    }
}
