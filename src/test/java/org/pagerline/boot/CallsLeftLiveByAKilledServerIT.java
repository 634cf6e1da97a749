package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.ServerProcess;

/**
 * A call's progress is saved off the caller's path, so a SIGKILL can take its last lines with it.
 * That loss is never silent: the call keeps its ticket (written before the caller hears anything),
 * and the next start ends the call as cut off with a line on the timeline saying at which step.
 */
class CallsLeftLiveByAKilledServerIT {

    @Test
    void aCallLiveWhenTheServerIsKilledKeepsItsTicketAndItsTimelineSaysItWasCutOff(@TempDir Path dir) throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start();
                Socket s = new Socket()) {
            // Asterisk's side: the caller is answered and greeted, then the server is killed while it
            // waits for the caller's key at the urgency menu
            RawAgiCaller caller = new RawAgiCaller(s, server.agiPort(), "1763900000.7");
            caller.answerUntil("pagerline/urgent-or-not");
            String ticket = caller.ticket;
            assertNotNull(ticket, "the ticket number was set before the caller heard anything");
            server.kill();

            server.start();
            ServerProcess.CliResult shown = server.cli("ticket", "show", ticket);
            assertEquals(0, shown.exit(), shown.all());
            assertTrue(shown.out().contains("CALL_STARTED"), shown.out());
            assertTrue(shown.out().contains("CALL_CUT_OFF"), "the timeline says the call was cut off:\n" + shown.out());
            assertTrue(shown.out().contains("cut_off at "), "the call's outcome says so:\n" + shown.out());
            assertFalse(shown.out().contains("INCIDENT_OPENED"), "a caller who chose nothing urgent is not paged");
            server.stop();
        }
    }

    /**
     * An urgent caller with nobody on call chose P1 and is confirming their call-back number when
     * the server is killed: the dialplan's fallback takes their message, which pagerline never
     * sees, so the next start pages them (the incident opens, no recording) from what the call had
     * saved before the call-back step.
     */
    @Test
    void anUrgentCallerCutOffByAKillBeforeTheirMessageIsPagedByTheNextStart(@TempDir Path dir) throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start();
                Socket s = new Socket()) {
            RawAgiCaller caller = new RawAgiCaller(s, server.agiPort(), "1763900000.8");
            caller.keys.add("1"); // urgent
            caller.keys.add("1"); // P1: company-wide outage
            caller.answerUntil("pagerline/callback-confirm");
            String ticket = caller.ticket;
            // the call's progress is written off the caller's path: the kill comes once it is (as it
            // would a few hundred milliseconds into the call-back step)
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (!server.cli("ticket", "show", ticket).out().contains("P1: company-wide outage")) {
                assertTrue(System.nanoTime() < until, "the caller's priority was never saved");
                Thread.onSpinWait();
            }
            server.kill();

            server.start();
            ServerProcess.CliResult shown = server.cli("ticket", "show", ticket);
            assertEquals(0, shown.exit(), shown.all());
            assertTrue(shown.out().contains("CALL_CUT_OFF"), shown.out());
            assertTrue(shown.out().contains("URGENT_CUT_OFF"), "the ticket says why the caller is paged:\n" + shown.out());
            assertTrue(shown.out().contains("call back +12045550123"), "on their caller ID:\n" + shown.out());
            assertTrue(shown.out().contains("INCIDENT_OPENED"), "the incident is open:\n" + shown.out());
            ServerProcess.CliResult incidents = server.cli("incident", "list", "--open");
            assertEquals(0, incidents.exit(), incidents.all());
            assertTrue(incidents.out().contains("P1"), incidents.out());
            server.stop();
        }
    }
}
