package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pagerline simulate call} refuses what it cannot do: keys a phone does not have and a caller
 * ID that is not a number before calling (exit 2, no call, no ticket); a {@code --hangup-at} step
 * the call never reached and answers no prompt asked for, said after the run (exit 2).
 */
@Timeout(60)
class SimulatorRefusesWhatItCannotDoE2ETest {
    @TempDir
    Path dir;

    private static E2eServer.CliResult simulate(E2eServer e, String... more) {
        String[] base = {"simulate", "call", "--agi-port", Integer.toString(e.agiPort), "--timeout", "10"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return e.cli(args);
    }

    private static void refusedBeforeCalling(E2eServer e, String expected, String... args) {
        E2eServer.CliResult r = simulate(e, args);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("error: " + expected, r.err().strip().lines().findFirst().orElse(""), r.err());
        assertEquals("", r.out(), "no call placed");
    }

    @Test
    void keysAPhoneDoesNotHaveAndACallerIdThatIsNotANumberAreRefusedBeforeCalling() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            refusedBeforeCalling(e, "--press: 'x' in answer 2 ('x') is not a phone key (0-9, * and #; _ for silence)",
                    "--from", E2eServer.CALLER, "--press", "1x1");
            refusedBeforeCalling(e, "--press: 'A' in answer 3 ('20A') is not a phone key (0-9, * and #; _ for silence)",
                    "--from", E2eServer.CALLER, "--press", "1,1,20A");
            refusedBeforeCalling(e, "--press: answer 2 is empty (use _ for silence)",
                    "--from", E2eServer.CALLER, "--press", "1,,1");
            refusedBeforeCalling(e, "--from 'alice' is not a phone number (E.164 like +12045550123, a national number,"
                    + " or '' for a withheld number)", "--from", "alice", "--press", "2");
            refusedBeforeCalling(e, "--from '+1 204 555 CALL' is not a phone number (E.164 like +12045550123, a national"
                    + " number, or '' for a withheld number)", "--from", "+1 204 555 CALL");
            assertTrue(e.services().tickets().list(10).isEmpty(), "no call reached pagerline");

            // what a phone does send is taken: a national number written as people write it, a withheld caller
            for (String from : new String[] {"(204) 555-0123", ""}) {
                E2eServer.CliResult ok = simulate(e, "--from", from, "--press", "1,1#", "--tech", "accept");
                assertEquals(0, ok.exit(), ok.out() + ok.err());
                assertTrue(ok.out().contains("PAGERLINE_RESULT=CONNECTED"), ok.out());
            }
        }
    }

    @Test
    void aHangupAtAStepTheCallNeverReachedIsReportedAfterTheRun() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            // the technician accepts: the call is put through and never reaches the callback step
            E2eServer.CliResult r = simulate(e, "--from", E2eServer.CALLER, "--press", "1,1", "--tech", "accept",
                    "--hangup-at", "callback");
            assertEquals(2, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("PAGERLINE_RESULT=CONNECTED"), "the conversation is still printed: " + r.out());
            assertEquals("error: --hangup-at callback: the call never reached that step (it went greeting, urgency, priority,"
                    + " ringing)", r.err().strip(), r.err());
        }
    }

    @Test
    void answersNoPromptAskedForAreNamedAfterTheRun() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            E2eServer.CliResult r = simulate(e, "--from", E2eServer.CALLER, "--press", "1,1,9,_,4", "--tech", "accept");
            assertEquals(2, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("PAGERLINE_RESULT=CONNECTED"), r.out());
            assertEquals("error: --press: 3 answer(s) not used (9,_,4): the call asked for 2", r.err().strip(), r.err());

            E2eServer.CliResult exact = simulate(e, "--from", E2eServer.CALLER, "--press", "1,1", "--tech", "accept");
            assertEquals(0, exact.exit(), exact.out() + exact.err());
            // the README's example (fixed: it gave a fourth answer no prompt asked for) uses every answer it gives
            E2eServer.CliResult readme = simulate(e, "--from", "+12045550199", "--press", "1,1,1", "--tech", "ignore");
            assertEquals(0, readme.exit(), readme.out() + readme.err());
        }
    }
}
