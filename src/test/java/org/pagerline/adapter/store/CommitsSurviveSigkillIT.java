package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.Settings;
import org.pagerline.testkit.ChildJvm;

/**
 * Every commit acknowledged before a SIGKILL is there after it. A child JVM opens the H2 file as
 * the server does and commits ticket events under load; it is killed at a random moment (after 50 to 1,550
 * acknowledged commits), six times, and after each kill the database is opened again and every event whose
 * commit had returned is looked for. Half the runs open the database through a hand-set {@code
 * db.url} that does not say WRITE_DELAY (H2's default, 500 ms, then applies to the whole database):
 * pagerline's own connections must make the writes immediate whatever URL opened the file.
 */
class CommitsSurviveSigkillIT {
    private static final int KILLS = 6;

    @Test
    void everyAcknowledgedCommitSurvivesASigkillAtARandomMoment(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String bareUrl = "jdbc:h2:file:" + data.toAbsolutePath().resolve("pagerline") + ";LOCK_TIMEOUT=10000";
        Random random = new Random();
        Set<Long> acknowledged = new HashSet<>();
        long next = 0;
        int lost = 0;
        List<String> report = new ArrayList<>();
        long started = System.nanoTime();
        for (int k = 0; k < KILLS; k++) {
            List<String> args = new ArrayList<>(List.of(data.toString(), Long.toString(next)));
            if (k % 2 == 1) {
                args.add(bareUrl);
            }
            Set<Long> acked = runAndKill(args, 50 + random.nextInt(1500));
            acknowledged.addAll(acked);
            Set<Long> present = eventsIn(data);
            Set<Long> missing = new TreeSet<>(acknowledged);
            missing.removeAll(present);
            lost = missing.size();   // distinct acknowledged commits missing so far
            report.add("kill " + (k + 1) + (k % 2 == 1 ? " (bare db.url)" : "") + ": " + acked.size()
                    + " commits acknowledged, " + missing.size() + " missing");
            next = Math.max(next, present.stream().mapToLong(Long::longValue).max().orElse(0)) + 1_000_000;
        }
        System.out.println("CommitsSurviveSigkillIT: " + String.join("; ", report) + "; " + acknowledged.size()
                + " commits checked, " + lost + " lost, " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertTrue(acknowledged.size() > KILLS, "the load committed: " + report);
        assertEquals(0, lost, "acknowledged commits lost to SIGKILL: " + report);
    }

    /** Starts the harness, reads its acknowledgements, SIGKILLs it once {@code afterCommits} commits are acknowledged. */
    private static Set<Long> runAndKill(List<String> args, int afterCommits) throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.java("128m");
        cmd.add(CommitLoad.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(Path.of(args.get(0)).resolveSibling("harness.err").toFile())).start();
        Set<Long> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ready ")) {
                        ready.countDown();
                    } else if (line.startsWith("ack ")) {
                        acked.add(Long.parseLong(line.substring(4).trim()));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the pipe closes with the kill; a half line at that moment is not an acknowledgement
            }
        });
        reader.start();
        try {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                fail("the harness did not open the database within 60 s: "
                        + readQuietly(Path.of(args.get(0)).resolveSibling("harness.err")) + "\n" + threadsOf(p));
            }
            // the random moment: after a random number of acknowledged commits, mid-load
            org.pagerline.testkit.Eventually.await(java.time.Duration.ofSeconds(30), afterCommits + " commits",
                    () -> acked.size() >= afterCommits);
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
        }
        return Set.copyOf(acked);
    }

    /** The child's threads (jstack), for a failure message: where a start that never finished waits. */
    private static String threadsOf(Process p) {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(p.pid())).redirectErrorStream(true).start();
            String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jstack.waitFor(20, TimeUnit.SECONDS);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "no thread dump: " + e;
        }
    }

    private static String readQuietly(Path p) {
        try {
            return java.nio.file.Files.exists(p) ? java.nio.file.Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Set<Long> eventsIn(Path data) throws Exception {
        Set<Long> present = new HashSet<>();
        try (Database db = Database.open(DatabaseConfig.from(Settings.ofMap(Map.of("data.dir", data.toString()))));
             Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT detail FROM ticket_events WHERE kind='LOAD'")) {
            while (rs.next()) {
                present.add(Long.parseLong(rs.getString(1).substring(2)));
            }
        }
        return present;
    }
}
