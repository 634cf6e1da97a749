package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.CALLER;
import static org.pagerline.boot.E2eServer.LEE;
import static org.pagerline.boot.E2eServer.VAL;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.service.TicketService;

/**
 * A non-urgent phone message is a ticket like any other: its contact clock runs (six business
 * hours, as email and the portal), so a message nobody takes warns the team lead and, missed, the
 * VP, as PRODUCT.md's "every ticket from every door carries its clocks" asks. Through the whole
 * server: the fake Asterisk's caller, the journal, the ticket engine on a moved clock, the fake
 * Twilio's phones. The desk is closed at the start (Monday 21:00 Winnipeg).
 */
@Timeout(30)
class APhoneMessageRunsTheContactClockE2ETest {
    @TempDir
    Path dir;

    /** Jane calls out of hours, does not choose the urgent path, confirms her caller ID and leaves a message. */
    private static long messageForTheNextBusinessDay(E2eServer e) {
        Conversation c = e.asterisk.call(CALLER, CallerScript.pressing("2", "1", "1"));
        assertNull(c.error(), c.error());
        assertEquals("MESSAGE", c.variable("PAGERLINE_RESULT"), String.join("\n", c.commands()));
        assertTrue(c.soundFiles().contains("pagerline/promise-next-business-day"), c.soundFiles().toString());
        return E2eServer.ticketOf(c);
    }

    private static TicketService.ClockView contact(E2eServer e, long ticket) {
        List<TicketService.ClockView> cs = e.services().tickets().detail(ticket).clocks().stream()
                .filter(c -> c.kind() == ClockKind.CONTACT).toList();
        assertEquals(1, cs.size(), cs.toString());
        return cs.get(0);
    }

    @Test
    void aMessageNobodyTakesWarnsTheTeamLeadAndMissedTellsTheVpTheNextBusinessDay() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long ticket = messageForTheNextBusinessDay(e);
            e.services().calls().awaitSaved(Duration.ofSeconds(10));
            // six business hours from Tuesday 08:00: due Tuesday 14:00, the team lead warned an hour before
            TicketService.ClockView c = contact(e, ticket);
            assertEquals(ClockState.RUNNING, c.state());
            assertEquals(java.time.Instant.parse("2026-11-24T20:00:00Z"), c.dueAt());
            assertTrue(E2eServer.timeline(e.ticket(ticket)).contains(
                    "CLOCK_STARTED  contact: contact within 6 business hours, due Tue 2026-11-24 14:00 CST"),
                    E2eServer.timeline(e.ticket(ticket)));

            e.after(Duration.ofHours(15).plusMinutes(59));   // Tuesday 12:59: nothing yet
            e.after(Duration.ofMinutes(1));
            e.phone(LEE).expectSms("ticket " + ticket + " (Jane Doe, Acme Ltd): contact target due Tue 2026-11-24 14:00 CST;"
                    + " nobody has taken it");
            e.after(Duration.ofMinutes(60));
            e.phone(LEE).expectSms("contact target MISSED");
            e.phone(VAL).expectSms("contact target MISSED");
            e.expectNothingElse();
            assertEquals(ClockState.BREACHED, contact(e, ticket).state());
        }
    }

    @Test
    void aTechnicianWhoTakesTheMessageMeetsTheClockAndNobodyIsWarned() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long ticket = messageForTheNextBusinessDay(e);
            e.services().calls().awaitSaved(Duration.ofSeconds(10));
            e.after(Duration.ofHours(11).plusMinutes(30));   // Tuesday 08:30
            e.services().tickets().take(ticket, "Pat");
            assertEquals(ClockState.MET, contact(e, ticket).state());
            e.after(Duration.ofHours(6));                     // past the deadline: nothing to tell
            e.expectNothingElse();
        }
    }

    @Test
    void aSecondMessageJoinsTheClockAlreadyRunning() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long ticket = messageForTheNextBusinessDay(e);
            e.after(Duration.ofHours(1));                     // 22:00: she calls again and leaves another
            assertEquals(ticket, messageForTheNextBusinessDay(e), "the open ticket is reused");
            e.services().calls().awaitSaved(Duration.ofSeconds(10));
            assertEquals(java.time.Instant.parse("2026-11-24T20:00:00Z"), contact(e, ticket).dueAt());
            String timeline = E2eServer.timeline(e.ticket(ticket));
            assertEquals(1, timeline.lines().filter(l -> l.contains("CLOCK_STARTED  contact:")).count(), timeline);
        }
    }
}
