package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAsterisk;
import org.pagerline.testkit.ServerProcess;

/**
 * The real server in a child JVM with its H2 database on a small tmpfs that the test fills: H2
 * closes the database on the first failed write. While the disk is full the support line sends
 * each caller to the dialplan's fallback at once (PAGERLINE_RESULT=FAILED), /health answers 503
 * and the log says so in a few lines, not a stack trace per failure; once space is back the
 * server recovers by itself, without a restart.
 */
class FullDiskRecoveryIT {
    @TempDir
    Path dir;

    @Test
    void after_a_full_disk_the_server_recovers_by_itself_once_space_is_back() throws Exception {
        Path mount = Path.of("target", "full-disk-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(mount);
        String refused = run("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", mount.toString());
        if (refused != null) {
            System.err.println("!!! FullDiskRecoveryIT SKIPPED: cannot mount a tmpfs here (" + refused.strip() + ")");
            Assumptions.abort("mounting a tmpfs is not permitted: " + refused.strip());
        }
        try (ServerProcess server = new ServerProcess(dir, Map.of("data.dir", mount.resolve("data").toString())).start()) {
            FakeAsterisk asterisk = new FakeAsterisk("127.0.0.1", server.agiPort());
            assertEquals("VOICEMAIL", result(asterisk), "an urgent call with nobody on call leaves a message");

            long linesBefore = server.log().lines().count();
            Path filler = fill(mount);
            // The next write fails: H2 closes the database. Calls go to the fallback, quickly.
            Eventually.await(Duration.ofSeconds(30), "a call to fail once the disk is full",
                    () -> "FAILED".equals(result(asterisk)));
            Eventually.await(Duration.ofSeconds(10), "/health to answer 503", () -> server.health().statusCode() == 503);
            assertTrue(server.health().body().contains("\"database\":\"DOWN\""), server.health().body());
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                assertEquals("FAILED", result(asterisk), "while the disk is full, calls go to the dialplan fallback");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms < 2000, "the fallback is taken at once, not after a wait: " + ms + " ms");
            }
            assertEquals(503, server.health().statusCode());
            List<String> outage = server.log().lines().skip(linesBefore).toList();
            assertTrue(outage.size() <= 8, "the outage is logged in a few lines, not a stack trace per failure ("
                    + outage.size() + " lines):\n" + String.join("\n", outage));
            assertTrue(outage.stream().anyMatch(l -> l.contains("database unavailable") && l.contains("No space left")),
                    "one line says the database is down and why:\n" + String.join("\n", outage));

            Files.delete(filler);
            long freed = System.nanoTime();
            Eventually.await(Duration.ofSeconds(30), "/health back to 200 once space is back",
                    () -> server.health().statusCode() == 200);
            System.out.printf("full disk: %d log lines while down (21+ calls refused); /health 200 %d ms after space was"
                    + " freed%n", outage.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - freed));
            outage.forEach(System.out::println);
            long linesBack = server.log().lines().count();
            assertEquals("VOICEMAIL", result(asterisk, "+12045550198"), "a call is handled again, without a restart");
            assertTrue(server.log().contains("database writable again"), server.log());
            // the voicemail opened an incident: the engine paged and asked Quartz (same pool) for a wake-up
            Eventually.await(Duration.ofSeconds(10), "the engine to handle the new incident",
                    () -> server.log().lines().skip(linesBack).anyMatch(l -> l.contains("reached nobody")));
            List<String> after = server.log().lines().skip(linesBack).toList();
            assertTrue(after.stream().noneMatch(l -> l.contains(" ERROR ") || l.contains("could not schedule")),
                    "nothing fails once the database is back:\n" + String.join("\n", after));
        } finally {
            String stuck = run("umount", mount.toString());
            if (stuck != null) {
                run("umount", "-l", mount.toString());
            }
            Files.deleteIfExists(mount);
        }
    }

    /** An urgent call (P1); returns what pagerline told the dialplan. */
    private static String result(FakeAsterisk asterisk) {
        return result(asterisk, "+12045550199");
    }

    private static String result(FakeAsterisk asterisk, String from) {
        Conversation c = asterisk.call(from, CallerScript.pressing("1", "1"));
        String r = c.variable("PAGERLINE_RESULT");
        assertNotNull(r, "pagerline always sets PAGERLINE_RESULT:\n" + String.join("\n", c.transcript()));
        return r;
    }

    /** Writes a file until the file system is full; returns it. */
    private static Path fill(Path mount) throws IOException {
        Path filler = mount.resolve("filler");
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 100_000; i++) {
                out.write(block);
            }
            throw new AssertionError("the tmpfs never filled up");
        } catch (IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
        }
        return filler;
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.isBlank() ? "exit " + p.exitValue() : out;
    }
}
