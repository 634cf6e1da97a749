package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.testkit.DialplanInstall;
import org.pagerline.testkit.Eventually;

/**
 * The shipped dialplan's failover to a second pagerline node, on the real Asterisk 22: the lab's
 * PBX is told, as an administrator would tell it (README Install step 1 run again with {@code AGI=}
 * the two addresses, which rewrites the one line of [pagerline-agi-hosts] that every AGI() of
 * asterisk-dialplan/ asks, then {@code dialplan reload}), that pagerline is first at an address
 * where nothing listens (a node that is down) and then at the lab's running server. Callers, technicians' accept legs and paging calls must all still reach
 * pagerline; and a call that the first address BEGAN and then failed must not be run again on the
 * second (the caller would be greeted twice): it goes to the fallback.
 *
 * <p>On a lab of its own ({@link AsteriskLab#LAB_B}, held for the class: its tests one after another):
 * the addresses are the whole PBX's for the length of each test (they are put back after), so no
 * other test's call goes through the dead address or the failing one.
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(AsteriskLab.LAB_B)
class SecondNodeAsteriskIT {
    private AsteriskLab lab;
    private String live;
    private final List<Long> incidents = new CopyOnWriteArrayList<>();
    /** AGI() steps Asterisk ran on technicians' accept legs and on paging calls: "context channel data". */
    private final List<String> agiSteps = new CopyOnWriteArrayList<>();
    private final Consumer<Map<String, String>> listener = e -> {
        if ("Newexten".equals(e.get("Event")) && "AGI".equals(e.get("Application"))
                && List.of("pagerline-accept", "pagerline-page").contains(e.get("Context"))) {
            agiSteps.add(e.get("Context") + " " + e.get("Channel") + " " + e.get("AppData"));
        }
    };

    @BeforeEach
    void watch() {
        lab = AsteriskLab.get(AsteriskLab.LAB_B);
        live = "127.0.0.1:" + lab.env.get("AGI_PORT");
        lab.onEvent(listener);
    }

    @AfterEach
    void putTheLabBack() throws IOException {
        if (lab == null) {
            return;
        }
        agiHosts(live);
        lab.removeEventListener(listener);
        for (long id : incidents) {
            if (lab.services().incidents().show(id).incident().state() != IncidentState.RESOLVED) {
                lab.services().incidents().resolve(id);
            }
        }
    }

    /**
     * Gives the PBX pagerline's addresses as the README tells an administrator: Install step 1's block
     * with {@code AGI=<hosts>} on the installed extensions_pagerline.conf, then {@code dialplan reload};
     * waits until the PBX's [pagerline-agi-hosts] returns them.
     */
    private void agiHosts(String hosts) throws IOException {
        DialplanInstall.run("AGI=", Path.of(lab.env.get("PBX_DIR"), "etc/asterisk"), Map.of("AGI", hosts));
        lab.cli("dialplan reload");
        Eventually.await(Duration.ofSeconds(20), "the PBX's [pagerline-agi-hosts] returning " + hosts,
                () -> lab.cli("dialplan show s@pagerline-agi-hosts").contains("Return(" + hosts + ")"));
    }

    /** A loopback port nobody listens on: connecting is refused, as to a node that is down. */
    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The caller's support-line AGI() steps (not the h extension's hand-over of a fallback message). */
    private List<String> callerAgiSteps(String caller) {
        return lab.dialplan(caller).stream().filter(s -> s.contains(" AGI(") && s.contains("/support-line")).toList();
    }

    @Test
    void withTheFirstNodeDownAnUrgentCallerIsHelpedByTheSecondAndTheirPagingCallIsTakenThroughItToo() throws Exception {
        String dead = "127.0.0.1:" + deadPort();
        agiHosts(dead + "," + live);
        String me = lab.newCaller();
        try (var pat = lab.pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(4)).press("4")
                        .thenWaitAtMost(ofSeconds(40)), me);
                var sam = lab.pagePhone(new Sipp.Phone(AsteriskLab.SAM).answerAfter(ofSeconds(1))
                        .thenWaitAtMost(ofSeconds(60)), me)) {
            try (var ring = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me);
                    var call = lab.call(Sipp.Caller.urgentMessage(me, "2", ofSeconds(5)))) {
                call.awaitSuccess(ofSeconds(120));
            }
            // greeted and helped by the second address, the first having refused the connection
            List<String> tried = callerAgiSteps(me);
            assertEquals(2, tried.size(), String.join("\n", lab.dialplan(me)));
            assertTrue(tried.get(0).contains("agi://" + dead + "/support-line"), tried.toString());
            assertTrue(tried.get(1).contains("agi://" + live + "/support-line"), tried.toString());
            assertFalse(lab.reachedFallback(me), String.join("\n", lab.dialplan(me)));
            assertEquals("VOICEMAIL", lab.resultAtHangup(me));
            Ticket t = lab.ticketOf(me);
            Eventually.await(Duration.ofSeconds(10), "an incident on ticket " + t.id(), () -> lab.services().incidents()
                    .list(500, false).stream().anyMatch(i -> i.ticketId() == t.id()));
            Incident opened = lab.incidentsOf(t.id()).stream()
                    .findFirst().orElseThrow();
            incidents.add(opened.id());

            // the paging call (the page script) reaches pagerline through the second address too
            pat.awaitSuccess(ofSeconds(90));
            Incident now = lab.services().incidents().show(opened.id()).incident();
            assertEquals(IncidentState.ACKNOWLEDGED, now.state(), lab.timelineText(me));
            assertEquals("Pat Lab", now.ownerName());
            String patsCall = lab.pagingChannelsOf(me).stream().filter(ch -> agiSteps.stream()
                    .anyMatch(s -> s.startsWith("pagerline-page " + ch + " ") && s.contains(live))).findFirst()
                    .orElseThrow(() -> new AssertionError("no paging call reached " + live + ": " + agiSteps));
            List<String> onPatsCall = agiSteps.stream().filter(s -> s.startsWith("pagerline-page " + patsCall + " ")).toList();
            assertEquals(List.of("pagerline-page " + patsCall + " agi://" + dead + "/page",
                    "pagerline-page " + patsCall + " agi://" + live + "/page"), onPatsCall);
        }
    }

    @Test
    void withTheFirstNodeDownTheTechnicianAcceptsThroughTheSecondAndIsPutThrough() throws Exception {
        String dead = "127.0.0.1:" + deadPort();
        agiHosts(dead + "," + live);
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                        .press("1").pause(ofSeconds(4)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .thenWaitAtMost(ofSeconds(40)))) {
            pat.awaitSuccess(ofSeconds(90));
            call.awaitSuccess(ofSeconds(60));
        }
        assertEquals("CONNECTED", lab.resultAtHangup(me), String.join("\n", lab.dialplan(me)));
        assertFalse(lab.reachedFallback(me));
        assertTrue(lab.timelineText(me).contains("ACCEPTED Pat Lab pressed 1 to accept the call"), lab.timelineText(me));
        List<String> accept = agiSteps.stream().filter(s -> s.startsWith("pagerline-accept ")).toList();
        assertEquals(2, accept.size(), accept.toString());
        assertTrue(accept.get(0).contains("agi://" + dead + "/accept,") && accept.get(1).contains("agi://" + live + "/accept,"),
                accept.toString());
    }

    /**
     * The second address is a node that begins the call (it marks the channel with its address, as
     * every pagerline script does first) and then fails mid-call: res_agi ends that AGI with
     * FAILURE, as it does for a refused connection. The caller must not be greeted again by the
     * third node: the fallback takes the message, and the lab's pagerline never runs the call. Once
     * the caller has hung up, the h extension hands the message over, to the node that served the
     * call first (not the list's first address); the failing node is gone by then, so the lab's
     * pagerline takes it and, having no record of the call, puts it on a ticket for the caller.
     */
    @Test
    void aCallANodeBeganAndFailedGoesToTheFallbackNotTheNextNodeAndItsMessageToThatNodeFirst() throws Exception {
        try (ServerSocket failing = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String failingNode = "127.0.0.1:" + failing.getLocalPort();
            Thread node = new Thread(() -> beginThenFail(failing, failingNode), "failing-node");
            node.setDaemon(true);
            node.start();
            String dead = "127.0.0.1:" + deadPort();
            agiHosts(dead + "," + failingNode + "," + live);
            String me = lab.newCaller();
            try (var call = lab.call(new Sipp.Caller(me).when("app:Record").talk(ofSeconds(3)).hangUp())) {
                call.awaitSuccess(ofSeconds(60));
            }
            failing.close(); // the failing node is gone: its address refuses the hand-over, the next takes it
            Eventually.await(ofSeconds(30), "the fallback's message handed over to the lab's pagerline",
                    () -> lab.findTicket(me).isPresent());
            String trail = String.join("\n", lab.dialplan(me));
            List<String> supportLine = callerAgiSteps(me);
            assertEquals(2, supportLine.size(), "the dead address, then the node that began the call; no third run:\n"
                    + trail);
            assertTrue(supportLine.get(1).contains("agi://" + failingNode + "/support-line"), trail);
            assertTrue(trail.contains("AGISTATUS=FAILURE") && trail.contains("NODE=" + failingNode), trail);
            assertTrue(lab.reachedFallback(me), trail);
            List<String> handOvers = lab.dialplan(me).stream().filter(x -> x.startsWith("h,") && x.contains(" AGI(")).toList();
            assertTrue(!handOvers.isEmpty() && handOvers.get(0).contains("agi://" + failingNode + "/fallback-message,"),
                    "the hand-over tried the node that served the call first, not the list's first address:\n" + trail);
            assertTrue(handOvers.get(handOvers.size() - 1).contains("agi://" + live + "/fallback-message,"), trail);
            String timeline = lab.timelineText(me);
            assertTrue(timeline.contains("FALLBACK_MESSAGE") && timeline.contains("-" + AsteriskLab.digits(me) + "-"),
                    timeline);
            assertFalse(timeline.contains("CALL_STARTED"), "the lab's pagerline never ran the call:\n" + timeline);
        }
    }

    /** One FastAGI call: reads the environment, marks the channel, then a command Asterisk fails (a missing file). */
    private static void beginThenFail(ServerSocket server, String address) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the AGI environment, up to its blank line
            }
            out.write(("SET VARIABLE PAGERLINE_NODE \"" + address + "\"\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readLine();
            out.write("STREAM FILE \"pagerline/no-such-prompt-here\" \"\"\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readLine();
        } catch (IOException e) {
            System.err.println("failing node: " + e);
        }
    }
}
