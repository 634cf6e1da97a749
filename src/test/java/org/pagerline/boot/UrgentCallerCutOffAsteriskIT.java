package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.testkit.DialplanInstall;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.ServerProcess;

/**
 * On the real Asterisk 22: an urgent caller (nobody on call) chooses P1 and is asked to confirm
 * their call-back number when their pagerline is SIGKILLed. Asterisk's dialplan takes them to the
 * fallback voicemail, which keeps their words; pagerline's next start on the host ends the call as
 * cut off and opens the incident, so the caller is paged all the same. When the caller hangs up,
 * the dialplan's {@code h} extension hands the fallback's recording to the pagerline now answering,
 * which joins it to that incident: its pages from then on play the caller's own words. If the node
 * is still down at the hang-up, its next start takes the words from the fallback's folder (this
 * host's Asterisk) instead.
 *
 * <p>The node here is a pagerline of its own (a child JVM, its own H2 file, nobody on its roster),
 * not the lab's shared server, which the other tests' calls need: the PBX is pointed at it for this
 * test as README Install step 1 says, and back after. So it runs on a lab of its own
 * ({@link AsteriskLab#LAB_B}, held for the class): no other test's call may reach that node.
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(AsteriskLab.LAB_B)
class UrgentCallerCutOffAsteriskIT {
    /** How long the caller talks in the fallback: time for the killed node to start again. */
    private static final Duration TALK_IN_THE_FALLBACK = ofSeconds(30);

    @Test
    void anUrgentCallerWhosePagerlineIsKilledBeforeTheirMessageIsPagedWithTheWordsTheyLeftInTheFallback() throws Exception {
        cutOffThenStartedAgain(true);
    }

    /**
     * The node is still down when the caller hangs up: the h extension finds nobody to take the
     * hand-over and logs a WARNING. The node's next start reads the fallback's folder (this host's
     * Asterisk) and takes the message owed to the call it cut off.
     */
    @Test
    void aNodeStillDownWhenTheCallerHangsUpTakesTheirWordsFromTheFolderAtItsNextStart() throws Exception {
        cutOffThenStartedAgain(false);
    }

    private static void cutOffThenStartedAgain(boolean whileTheyTalk) throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_B);
        String live = "127.0.0.1:" + lab.env.get("AGI_PORT");
        Path dir = Files.createTempDirectory(lab.dataDir.getParent(), "cut-off-node-");
        String me = lab.newStranger();
        java.time.Instant began = java.time.Instant.now().minusSeconds(1);
        CountDownLatch confirming = new CountDownLatch(1);
        Consumer<Map<String, String>> asked = e -> {
            if ("AGIExecStart".equals(e.get("Event")) && me.equals(e.get("CallerIDNum"))
                    && e.getOrDefault("Command", "").startsWith("GET DATA \"pagerline/callback-confirm\"")) {
                confirming.countDown();
            }
        };
        lab.onEvent(asked);
        try (ServerProcess node = new ServerProcess(dir, Map.of("line.recordings-dir", lab.env.get("SPOOL_DIR") + "/pagerline"))
                .start()) {
            try {
                agiHosts(lab, "127.0.0.1:" + node.agiPort());
                try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("1")
                        .when("app:Record").talk(whileTheyTalk ? TALK_IN_THE_FALLBACK : ofSeconds(4)).hangUp())) {
                    assertTrue(confirming.await(60, TimeUnit.SECONDS), "the caller was never asked to confirm their"
                            + " number:\n" + String.join("\n", lab.dialplan(me)));
                    node.kill();
                    if (whileTheyTalk) {
                        // the next start on this host (a supervisor restarting it), while the caller is still
                        // talking in the fallback: it ends the call as cut off and pages them
                        long restarting = System.nanoTime();
                        node.start();
                        assertTrue(Duration.ofNanos(System.nanoTime() - restarting).compareTo(TALK_IN_THE_FALLBACK) < 0,
                                "the node restarted before the caller finished their message (else nothing answers the"
                                        + " hand-over)");
                    }
                    call.awaitSuccess(ofSeconds(120));
                }
                if (!whileTheyTalk) {
                    Eventually.await(Duration.ofSeconds(20), "the h extension's WARNING that nobody took the hand-over",
                            () -> lab.dialplan(me).stream().anyMatch(l -> l.startsWith("h,") && l.contains("ExecIf(1?Log(WARNING")));
                }
            } finally {
                lab.removeEventListener(asked);
                agiHosts(lab, live);
            }
            assertTrue(lab.reachedFallback(me), "Asterisk took the caller to the fallback:\n"
                    + String.join("\n", lab.dialplan(me)));
            Path theirWords;
            try (var files = Files.list(lab.spool().resolve("pagerline/fallback"))) {
                // this call's, with words in it (the lab's spool outlives a run, and a number comes round
                // again in the next)
                List<Path> mine = files.filter(p -> p.getFileName().toString().contains("-" + AsteriskLab.digits(me) + "-")
                        && modifiedSince(p, began) && size(p) > 8000 * 2 * 2).toList();
                assertEquals(1, mine.size(), "their words are in the fallback folder");
                theirWords = mine.get(0);
            }
            Matcher m = Pattern.compile("ticket (\\d+)").matcher(lab.dialplan(me).stream().filter(l -> l.startsWith("h,"))
                    .findFirst().orElseThrow());
            assertTrue(m.find(), "the dialplan knew the ticket: " + lab.dialplan(me));
            String ticket = m.group(1);

            if (!whileTheyTalk) {
                node.start(); // the next start on this host, the caller long gone
            }
            String words = theirWords.toString().replaceAll("\\.wav$", ""); // as Asterisk names a recording
            // the h extension runs once the caller has hung up: the hand-over is a moment behind the BYE
            Eventually.await(Duration.ofSeconds(20), "the fallback's recording handed over to pagerline",
                    () -> timeline(node, ticket).contains("FALLBACK_MESSAGE"));
            ServerProcess.CliResult shown = node.cli("ticket", "show", ticket);
            assertEquals(0, shown.exit(), shown.all());
            for (String kind : List.of("PRIORITY", "NO_ONE_ON_CALL", "CALL_CUT_OFF", "URGENT_CUT_OFF", "INCIDENT_OPENED",
                    "FALLBACK_MESSAGE", "VOICEMAIL_AGAIN")) {
                assertTrue(shown.out().contains(kind), kind + " on the ticket:\n" + shown.out());
            }
            assertTrue(shown.out().contains("call back " + me), "on their caller ID:\n" + shown.out());
            assertTrue(shown.out().contains("message " + words), "the call lists the fallback's recording:\n" + shown.out());
            Matcher opened = Pattern.compile("INCIDENT_OPENED\\s+incident (\\d+)").matcher(shown.out());
            assertTrue(opened.find(), shown.out());
            ServerProcess.CliResult incident = node.cli("incident", "show", opened.group(1));
            assertTrue(incident.out().contains("P1"), incident.all());
            assertTrue(incident.out().contains("message " + words), "the incident's pages play their words:\n" + incident.all());
            node.stop();
        }
    }

    private static String timeline(ServerProcess node, String ticket) {
        try {
            return node.cli("ticket", "show", ticket).out();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean modifiedSince(Path p, java.time.Instant t) {
        try {
            return !Files.getLastModifiedTime(p).toInstant().isBefore(t);
        } catch (IOException e) {
            return false;
        }
    }

    /** The PBX's pagerline address(es), as README Install step 1 writes them, then {@code dialplan reload}. */
    private static void agiHosts(AsteriskLab lab, String hosts) throws IOException {
        DialplanInstall.run("AGI=", Path.of(lab.env.get("PBX_DIR"), "etc/asterisk"), Map.of("AGI", hosts));
        lab.cli("dialplan reload");
        Eventually.await(Duration.ofSeconds(20), "the PBX's [pagerline-agi-hosts] returning " + hosts,
                () -> lab.cli("dialplan show s@pagerline-agi-hosts").contains("Return(" + hosts + ")"));
    }
}
