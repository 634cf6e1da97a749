package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.ServerProcess;
import org.pagerline.testkit.ChildJvm;

/**
 * How {@code pagerline server} starts and stops, in a child JVM: a settings file that is not there,
 * a port that is taken, a stop on SIGTERM. A refused start is one line naming the problem, exit
 * status 2, and nothing started.
 */
class StartupAndShutdownIT {
    @TempDir
    Path dir;

    @Test
    void aConfigFileGivenWithDashDashConfigThatDoesNotExistStopsTheStartNamingThePath() throws Exception {
        Path missing = dir.resolve("no-such.properties");
        Run r = run(List.of("--config", missing.toString(), "tech", "list"), Map.of());
        assertEquals(2, r.exit, r.output);
        assertEquals(List.of("error: settings file " + missing + " does not exist"), r.lines());
    }

    @Test
    void aConfigFileNamedByPagerlineConfigThatDoesNotExistStopsTheStartNamingThePath() throws Exception {
        Path missing = dir.resolve("gone.properties");
        Run r = run(List.of("tech", "list"), Map.of("PAGERLINE_CONFIG", missing.toString()));
        assertEquals(2, r.exit, r.output);
        assertEquals(List.of("error: settings file " + missing + " (PAGERLINE_CONFIG) does not exist"), r.lines());
    }

    @Test
    void anHttpPortInUseIsOneLineNamingThePortExit2AndNothingStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            ServerProcess server = new ServerProcess(dir, Map.of("http.port", Integer.toString(taken.getLocalPort())));
            Run r = launch(server);
            assertEquals(2, r.exit, r.output);
            assertEquals(1, r.lines().size(), "one line:\n" + r.output);
            assertTrue(r.lines().get(0).startsWith("error: http.port: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    r.output);
            assertNoTraceAndNothingStarted(r);
            assertFalse(Files.exists(server.dataDir()), "the database was never opened");
        }
    }

    @Test
    void anAgiPortInUseIsOneLineNamingThePortExit2AndNothingStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            ServerProcess server = new ServerProcess(dir, Map.of("agi.port", Integer.toString(taken.getLocalPort())));
            Run r = launch(server);
            assertEquals(2, r.exit, r.output);
            assertEquals(1, r.lines().size(), "one line:\n" + r.output);
            assertTrue(r.lines().get(0).startsWith("error: agi.port: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    r.output);
            assertNoTraceAndNothingStarted(r);
            assertFalse(Files.exists(server.dataDir()), "the database was never opened");
        }
    }

    @Test
    void sigtermStopsListenersSchedulerAndDatabaseInThatOrderWithoutErrors() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path d = Files.createDirectories(dir.resolve("s" + round));
            try (ServerProcess server = new ServerProcess(d, Map.of("scheduler.sweep-interval", "1s"))) {
                server.start();
                assertEquals(143, server.stop());
                String log = server.log();
                assertFalse(log.contains("already closed"), log);
                assertFalse(log.contains("ERROR") || log.contains("WARN"), log);
                int listeners = log.indexOf("pagerline stopping");
                int stopped = log.indexOf("pagerline stopped");
                assertTrue(listeners >= 0 && stopped > listeners, log);
            }
        }
    }

    private static void assertNoTraceAndNothingStarted(Run r) {
        assertFalse(r.output.contains("\tat ") || r.output.contains("Exception"), "no stack trace:\n" + r.output);
        assertFalse(r.output.contains("scheduler started"), "the scheduler never started:\n" + r.output);
        assertFalse(r.output.contains("pagerline is up"), r.output);
    }

    private record Run(int exit, String output) {
        List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Run launch(ServerProcess server) throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve("out-" + System.nanoTime() + ".log");
        Process p = server.launch(List.of("server"), out);
        return finish(p, out);
    }

    private Run run(List<String> args, Map<String, String> env) throws Exception {
        List<String> cmd = ChildJvm.java("256m");
        cmd.add("org.pagerline.boot.Main");
        cmd.addAll(args);
        Path out = dir.resolve("out-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        pb.environment().remove("PAGERLINE_CONFIG");
        pb.environment().putAll(env);
        return finish(pb.start(), out);
    }

    private static Run finish(Process p, Path out) throws IOException, InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out));
    }
}
