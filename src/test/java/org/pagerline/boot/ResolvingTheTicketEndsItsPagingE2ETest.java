package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.PageState;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.service.ValidationException;

/**
 * The desk resolves or closes a ticket (the console, the command line) whose urgent incident still
 * awaits its call-back: the incident ends with it. Its paging stops (no team lead, no VP at 3 a.m.
 * about a problem already solved), and so do its late call-back notices; what was pending is
 * cancelled and the timeline says why.
 */
@Timeout(30)
class ResolvingTheTicketEndsItsPagingE2ETest {
    @TempDir
    Path dir;

    @Test
    void resolvingTheTicketOfAnIncidentNobodyTookStopsItsEscalation() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = e.urgentVoicemailPagingPatAndSam();
            long ticket = e.incident(n).ticketId();

            // the day shift reaches the customer another way and resolves the ticket
            e.services().tickets().resolve(ticket, "Sam", "reset the switch on site");

            assertEquals(IncidentState.RESOLVED, e.incident(n).state());
            assertEquals(TicketState.RESOLVED, e.services().tickets().detail(ticket).state(), "the ticket as the desk left it");
            String story = E2eServer.timeline(e.ticket(ticket));
            assertTrue(story.contains("incident " + n + " resolved with its ticket (resolved by Sam: reset the switch on site)"),
                    story);
            // the next steps (team lead, VP), the repeats and the late call-back never come
            e.after(Duration.ofMinutes(10));
            e.after(Duration.ofMinutes(30));
            e.after(Duration.ofHours(2));
            e.expectNothingElse();
            assertTrue(e.pages(n).stream().noneMatch(p -> p.state() == PageState.PENDING), e.pages(n).toString());
        }
    }

    @Test
    void closingTheTicketOfAnIncidentPatTookStopsTheLateCallBackNotices() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = e.urgentVoicemailPagingPatAndSam();
            long ticket = e.incident(n).ticketId();
            assertTrue(e.phone(PAT).reply(n + "a").contains("is yours"));
            e.phone(SAM).expectSms("Pat took incident " + n);
            e.after(Duration.ofMinutes(10));

            e.services().tickets().close(ticket, "Pat", "duplicate of ticket 7");

            assertEquals(IncidentState.RESOLVED, e.incident(n).state());
            assertTrue(E2eServer.timeline(e.ticket(ticket)).contains("incident " + n
                    + " resolved with its ticket (closed by Pat: duplicate of ticket 7)"));
            e.after(Duration.ofMinutes(30));   // past the call-back promise: no LATE notice to anyone
            e.expectNothingElse();
        }
    }

    @Test
    void closingTheTicketAgainIsRefusedAndEndsNothingMore() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            long n = e.urgentVoicemailPagingPatAndSam();
            long ticket = e.incident(n).ticketId();
            e.services().tickets().close(ticket, "Sam", "opened by mistake");
            assertEquals(IncidentState.RESOLVED, e.incident(n).state());

            // closing it again is refused, and changes nothing more
            assertThrows(ValidationException.class, () -> e.services().tickets().close(ticket, "Sam", "again"));
            String story = E2eServer.timeline(e.ticket(ticket));
            assertEquals(1, story.lines().filter(l -> l.contains("resolved with its ticket")).count(), story);
            e.expectNothingElse();
        }
    }
}
