package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.service.TicketService;

/**
 * The portal and the console go through the ticket's life (TicketService), over real HTTP: a
 * portal ticket has its six-business-hour contact clock; the console's take, wait and resolve are
 * the ticket's transitions (a refusal is said on the page, not a server error); a portal reply
 * resumes a ticket waiting on the customer and reopens a resolved one; the console's list shows
 * the ticket's state and its real next deadline.
 */
class PortalAndConsoleTicketsFollowTheTicketsLifeTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    private long filedOnThePortal(WebRig.Browser jane) throws Exception {
        jane.get("/portal/new");
        HttpResponse<String> r = jane.submit("/portal/tickets", Map.of("name", "Jane Doe", "callback", "+12045550123",
                "priority", "P4", "description", "The office printer prints blank pages."));
        assertEquals(303, r.statusCode(), r.body());
        String where = r.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(where.replaceAll(".*/", ""));
    }

    private TicketService.ClockView clock(long id, ClockKind kind) {
        return rig.services.tickets().detail(id).clocks().stream().filter(c -> c.kind() == kind).findFirst().orElseThrow();
    }

    private String flashAfter(WebRig.Browser b, HttpResponse<String> r, long id) throws Exception {
        assertEquals(303, r.statusCode(), r.body());
        return b.get("/console/tickets/" + id).body();
    }

    @Test
    void aPortalTicketHasItsContactClockRunningDueSixBusinessHoursLater() throws Exception {
        // Monday 2026-11-23 15:00Z is 09:00 at the desk (America/Winnipeg, business hours)
        long id = filedOnThePortal(rig.new Browser().client("jane@acme.example"));
        TicketService.TicketDetail d = rig.services.tickets().detail(id);
        assertEquals(TicketSource.PORTAL, d.ticket().source());
        assertEquals(TicketState.NEW, d.state());
        TicketService.ClockView contact = clock(id, ClockKind.CONTACT);
        assertEquals(ClockState.RUNNING, contact.state());
        assertEquals(Instant.parse("2026-11-23T15:00:00Z"), contact.startedAt());
        assertEquals(Instant.parse("2026-11-23T21:00:00Z"), contact.dueAt(), "six business hours: 15:00 at the desk");
        // the priority the client chose runs its own clocks too
        assertEquals(ClockState.RUNNING, clock(id, ClockKind.RESPOND).state());
        assertEquals("jane@acme.example", d.requesterEmail());

        // the console's list shows that clock, and the ticket's state
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        String list = tess.get("/console").body();
        assertTrue(list.contains("contact by"), list);
        assertTrue(list.contains("<td class=\"state\">new</td>"), list);
        // taking it on the console meets the contact clock and acknowledges the ticket
        tess.get("/console/tickets/" + id);
        String page = flashAfter(tess, tess.submit("/console/tickets/" + id + "/take", Map.of()), id);
        assertTrue(page.contains("you took ticket " + id), page);
        assertEquals(TicketState.ACKNOWLEDGED, rig.services.tickets().detail(id).state());
        assertEquals("Tess Tech", rig.services.tickets().detail(id).ownerName());
        assertNotNull(clock(id, ClockKind.CONTACT).metAt());
        assertTrue(page.contains("id=\"ticket-status\">acknowledged<"), page);
    }

    @Test
    void aConsoleWaitThenAPortalReplyResumesTheTicketAndTheResolveClock() throws Exception {
        WebRig.Browser jane = rig.new Browser().client("jane@acme.example");
        long id = filedOnThePortal(jane);
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        tess.get("/console/tickets/" + id);
        String page = flashAfter(tess, tess.submit("/console/tickets/" + id + "/wait",
                Map.of("text", "asked for the printer's model")), id);
        assertTrue(page.contains("is waiting on the customer"), page);
        assertEquals(TicketState.WAITING_ON_CUSTOMER, rig.services.tickets().detail(id).state());
        assertEquals(ClockState.PAUSED, clock(id, ClockKind.RESOLVE).state());
        assertTrue(rig.services.tickets().detail(id).timeline().stream().anyMatch(e -> e.kind().equals("WAITING_ON_CUSTOMER")
                && e.detail().contains("Tess Tech") && e.detail().contains("asked for the printer's model")));

        // waiting twice is refused by the ticket's life: said on the page, nothing changed, no error page
        page = flashAfter(tess, tess.submit("/console/tickets/" + id + "/wait", Map.of()), id);
        assertTrue(page.contains("not done: ticket " + id + " is already waiting on the customer"), page);

        rig.clock.advance(Duration.ofHours(1));
        jane.get("/portal/tickets/" + id);
        assertEquals(303, jane.submit("/portal/tickets/" + id + "/reply", Map.of("text", "It is an HP 4250.")).statusCode());
        TicketService.TicketDetail d = rig.services.tickets().detail(id);
        assertEquals(TicketState.IN_PROGRESS, d.state());
        assertEquals(ClockState.RUNNING, clock(id, ClockKind.RESOLVE).state());
        assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("CUSTOMER_REPLIED") && e.detail().contains("the portal")
                && e.detail().contains("It is an HP 4250.")), d.timeline().toString());
        String portal = jane.get("/portal/tickets/" + id).body();
        assertTrue(portal.contains("id=\"portal-state\">in progress<"), portal);
        assertTrue(portal.contains("It is an HP 4250."), portal);
    }

    @Test
    void aResolvedTicketIsReopenedByThePortalReplyAndAResolvedOneCannotBeResolvedAgain() throws Exception {
        WebRig.Browser jane = rig.new Browser().client("jane@acme.example");
        long id = filedOnThePortal(jane);
        WebRig.Browser ada = rig.new Browser().staff("Ada Admin");   // no technician of that name
        ada.get("/console/tickets/" + id);
        String page = flashAfter(ada, ada.submit("/console/tickets/" + id + "/resolve", Map.of("text", "new toner")), id);
        assertTrue(page.contains("ticket " + id + " resolved"), page);
        TicketService.TicketDetail d = rig.services.tickets().detail(id);
        assertEquals(TicketState.RESOLVED, d.state());
        assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("RESOLVED") && e.detail().contains("Ada Admin (console)")
                && e.detail().contains("new toner")), d.timeline().toString());
        page = flashAfter(ada, ada.submit("/console/tickets/" + id + "/resolve", Map.of()), id);
        assertTrue(page.contains("not done: ticket " + id + " is already resolved"), page);
        // an account that is no technician cannot own a ticket: said, not a server error
        page = flashAfter(ada, ada.submit("/console/tickets/" + id + "/take", Map.of()), id);
        assertTrue(page.contains("not done: your account &#39;Ada Admin&#39; is not a technician")
                || page.contains("not done: your account 'Ada Admin' is not a technician"), page);
        assertFalse(ada.get("/console").body().contains("href=\"/console/tickets/" + id + "\""),
                "a resolved ticket is no longer on the open list");

        jane.get("/portal/tickets/" + id);
        assertEquals(303, jane.submit("/portal/tickets/" + id + "/reply", Map.of("text", "Still blank.")).statusCode());
        assertEquals(TicketState.IN_PROGRESS, rig.services.tickets().detail(id).state());
        assertTrue(rig.services.tickets().detail(id).timeline().stream().anyMatch(e -> e.kind().equals("REOPENED")));
        List<String> open = rig.services.tickets().queue(10).rows().stream().map(r -> Long.toString(r.id())).toList();
        assertTrue(open.contains(Long.toString(id)), open.toString());
    }
}
