package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.service.CalendarService;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.LineRig;

/** client, ticket and simulate commands against the real listener and database. */
class LineCliTest {
    final LineRig rig = LineRig.at("2026-11-23T21:00:00-06:00");
    final Services services = new Services(rig.clock, rig.roster, new CalendarService(rig.tx), rig.tickets, null, rig.clients, rig.calls, null, null);
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @AfterEach
    void stop() {
        rig.close();
    }

    int run(String... args) {
        CliHarness.Result r = CliHarness.run(services, args);
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        out.write(r.out());
        err.write(r.err());
        return r.exit();
    }

    @Test
    void clientAddListRemove() {
        assertEquals(0, run("client", "add", "--company", "Acme Ltd", "--contact", "Jane Doe", "--phone", "+12045550123,+12045550124"));
        assertTrue(out.toString().startsWith("added client 1: Jane Doe (Acme Ltd)"), out.toString());
        assertEquals(2, run("client", "add", "--company", "Beta", "--contact", "Bob", "--phone", "204555"));
        assertTrue(err.toString().startsWith("error: phone '204555' is not in international E.164 form"), err.toString());
        assertEquals(0, run("client", "list", "--json"));
        assertTrue(out.toString().contains("\"phones\" : [ \"+12045550123\", \"+12045550124\" ]"), out.toString());
        assertEquals(0, run("client", "remove", "1"));
        assertEquals(2, run("client", "remove", "1"));
    }

    @Test
    void simulateACallThenShowItsTicket() {
        run("client", "add", "--company", "Acme Ltd", "--contact", "Jane Doe", "--phone", "+12045550123");
        int status = run("simulate", "call", "--from", "+12045550123", "--press", "2,1,1", "--agi-port", Integer.toString(rig.port));
        assertEquals(0, status, err.toString());
        String transcript = out.toString();
        assertTrue(transcript.contains("pagerline> GET DATA \"pagerline/urgent-or-not\" 6000 1  \"If your issue is urgent, press 1."), transcript);
        assertTrue(transcript.contains("asterisk < 200 result=0 (timeout) endpos=40000"), transcript);
        assertTrue(transcript.contains("PAGERLINE_RESULT=MESSAGE, ticket 1"), transcript);

        rig.awaitSaved(); // the call's last lines are written after the connection closes
        assertEquals(0, run("ticket", "show", "1"));
        assertTrue(out.toString().contains("Jane Doe, Acme Ltd"), out.toString());
        assertTrue(out.toString().contains("CALLBACK_DUE"), out.toString());
        assertEquals(0, run("ticket", "show", "1", "--json"));
        assertTrue(out.toString().contains("\"outcome\" : \"MESSAGE\""), out.toString());
        assertEquals(0, run("ticket", "list"));
        assertTrue(out.toString().startsWith("1 "), out.toString());
        assertEquals(2, run("ticket", "show", "42"));
    }

    @Test
    void simulateHangsUpDuringTheToneAndTheTicketSaysNothingWasRecorded() {
        int status = run("simulate", "call", "--from", "+12045550123", "--press", "2,1,1", "--hangup-at", "tone",
                "--agi-port", Integer.toString(rig.port));
        assertEquals(0, status, err.toString());
        assertTrue(out.toString().contains("asterisk < 200 result=-1 (randomerror) endpos=0"), out.toString());
        assertTrue(out.toString().contains("the caller hung up"), out.toString());
        rig.awaitSaved();
        assertEquals(0, run("ticket", "show", "1"));
        assertTrue(out.toString().matches("(?s).*NOTHING_RECORDED +the caller hung up during the tone.*"), out.toString());
        assertTrue(!out.toString().contains("VOICEMAIL"), out.toString());
    }

    @Test
    void simulateRefusesABadStepAndReportsAnUnreachableServer() {
        assertEquals(2, run("simulate", "call", "--from", "+12045550123", "--hangup-at", "lunch"));
        assertTrue(err.toString().contains("unknown call step 'lunch'"), err.toString());
        assertEquals(1, run("simulate", "call", "--from", "+12045550123", "--agi-port", "1"));
        assertTrue(err.toString().contains("cannot reach pagerline at 127.0.0.1:1"), err.toString());
    }
}
