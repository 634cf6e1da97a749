package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.incident.IncidentState;

/**
 * {@code pagerline simulate call} against the running server, as an admin tries the line before
 * wiring Asterisk: the printed conversation ends with the ticket and PAGERLINE_RESULT, and the
 * call is real (its voicemail pages the on-call people).
 */
@Timeout(30)
class SimulateCallE2ETest {
    @TempDir
    Path dir;

    @Test
    void theSimulatorsUrgentVoicemailPrintsTheConversationEndingWithTheTicketAndPagesTheDesk() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            E2eServer.CliResult r = e.cli("simulate", "call", "--from", E2eServer.CALLER, "--press", "1,1,1", "--tech", "noanswer",
                    "--agi-port", Integer.toString(e.agiPort), "--timeout", "10");

            assertEquals(0, r.exit(), r.out() + r.err());
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.get(0).startsWith("calling agi://127.0.0.1:" + e.agiPort + "/support-line from " + E2eServer.CALLER),
                    r.out());
            assertTrue(r.out().contains("RECORD FILE"), r.out());
            long ticket = e.services().tickets().list(10).get(0).id();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("--- pagerline ended the call; PAGERLINE_RESULT=VOICEMAIL, ticket " + ticket), last);

            long n = e.incidentOn(ticket).id();
            assertEquals(IncidentState.OPEN, e.incident(n).state());
            for (String to : List.of(E2eServer.PAT, E2eServer.SAM)) {
                e.phone(to).expectSms("Reply " + n + "a");
                e.phone(to).expectCall();
            }
            e.expectNothingElse();
        }
    }
}
