package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.TicketRig.PAT;
import static org.pagerline.testkit.TicketRig.desk;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.testkit.TicketRig;

/**
 * The phone door on the same model: an urgent voicemail puts the 30-minute call-back promise on
 * the ticket's contact clock (wall clock, at night too; its incident, not the ticket, pages about it) and the
 * caller's priority starts respond
 * and resolve from the call; the call-back recorded on the incident meets them; a new call on a
 * resolved ticket reopens it.
 */
class PhoneTicketClocksTest {
    static final String CALLER = "+12045559999";

    private static TicketService.ClockView clock(TicketService.TicketDetail d, ClockKind k) {
        return d.clocks().stream().filter(c -> c.kind() == k).findFirst().orElseThrow();
    }

    /** The incidents: a 30-minute call-back promise, a 15-minute warning before it. */
    private static IncidentService incidents(TicketRig r) {
        return new IncidentService(r.tx, r.clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
    }

    /** The support line over the rig's tickets: Canadian caller IDs, called back in Canada and the US. */
    private static CallService calls(TicketRig r, IncidentService incidents) {
        return new CallService(r.tx, r.tickets, new PhoneNumbers("CA"), incidents, r.clock, Duration.ofHours(4),
                Duration.ofMinutes(30), Set.of("CA", "US"));
    }

    @Test
    void anUrgentVoicemailAtNightRunsTheCallBackPromiseAndTheCallBackMeetsIt() {
        try (TicketRig r = TicketRig.inMemory("2026-12-05T03:00")) {
            IncidentService incidents = incidents(r);
            incidents.setPolicy(List.of("0m PRIMARY"), "1h");
            CallService calls = calls(r, incidents);
            LiveCall call = calls.start("1733390000.1", "PJSIP/trunk-0001", CALLER, "Jane Doe");
            call.call().priority(calls.now(), Priority.P2, false);
            calls.save(call);
            r.clock.set(desk("2026-12-05T03:10"));
            calls.messageLeft(call, "urgent/msg0001", 20, false, true, Priority.P2);
            calls.saveLast(call);
            assertTrue(calls.awaitSaved(Duration.ofSeconds(10)), "the call's last lines written");
            r.pass();
            r.expectSms(PAT, "left an urgent message");
            r.expectCall(PAT);

            long ticket = call.ticketId();
            TicketService.TicketDetail d = r.tickets.detail(ticket);
            assertEquals(desk("2026-12-05T03:40"), clock(d, ClockKind.CONTACT).dueAt(), "the 30-minute promise, wall clock");
            assertEquals(desk("2026-12-05T05:00"), clock(d, ClockKind.RESPOND).dueAt(), "P2: 2 h from the call, 24x7");
            assertEquals(desk("2026-12-05T11:00"), clock(d, ClockKind.RESOLVE).dueAt(), "P2: 8 h from the call, 24x7");

            r.at("2026-12-05T03:25");   // the lead (1 h) is capped at half the promise: the warning is due 15 min before,
            // but the incident is paging for this promise: the ticket notes it and pages nobody a second time
            assertTrue(r.tickets.detail(ticket).timeline().stream().anyMatch(e -> e.kind().equals("SLA_WARNING")
                    && e.detail().equals("contact: due Sat 2026-12-05 03:40 CST (15 min left); the incident is paging")),
                    r.tickets.detail(ticket).timeline().toString());
            r.clock.set(desk("2026-12-05T03:30"));
            long incident = incidents.list(10, false).get(0).id();
            incidents.calledBack(incident, "Pat");
            r.at("2026-12-05T03:40");   // kept: no breach
            d = r.tickets.detail(ticket);
            assertEquals(ClockState.MET, clock(d, ClockKind.CONTACT).state());
            assertEquals(desk("2026-12-05T03:30"), clock(d, ClockKind.CONTACT).metAt(), "met when the call-back was recorded");
            assertEquals(ClockState.MET, clock(d, ClockKind.RESPOND).state());
            assertEquals(TicketState.IN_PROGRESS, d.state());

            r.tickets.resolve(ticket, "Pat", "server restarted");
            r.at("2026-12-05T05:00");
            LiveCall again = calls.start("1733397200.2", "PJSIP/trunk-0002", CALLER, "Jane Doe");
            assertEquals(ticket, again.ticketId(), "the caller's resolved ticket, within the reuse window");
            d = r.tickets.detail(ticket);
            assertEquals(TicketState.IN_PROGRESS, d.state(), "a new call reopens it");
            assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("REOPENED")), d.timeline().toString());
            assertEquals(ClockState.RUNNING, clock(d, ClockKind.RESOLVE).state());
        }
    }

    @Test
    void aPriorityChosenOnThePhoneSetsTheClocksInTheCallsOwnSaveAndLeavesTheClockPassNothing() {
        try (TicketRig r = TicketRig.inMemory("2026-12-05T03:00")) {
            CallService calls = calls(r, incidents(r));
            LiveCall call = calls.start("1733390000.1", "PJSIP/trunk-0001", CALLER, "Jane Doe");
            call.call().priority(calls.now(), Priority.P2, false);
            calls.save(call);
            assertTrue(calls.awaitSaved(Duration.ofSeconds(10)), "the call's save written");

            TicketService.TicketDetail d = r.tickets.detail(call.ticketId());
            assertEquals(Priority.P2, d.ticket().priority());
            assertEquals(desk("2026-12-05T05:00"), clock(d, ClockKind.RESPOND).dueAt(), "P2: 2 h from the choice, 24x7");
            assertEquals(desk("2026-12-05T11:00"), clock(d, ClockKind.RESOLVE).dueAt(), "P2: 8 h from the choice, 24x7");
            assertEquals(0, r.ticketClocks.runDue().ticketsDecided(), "the clock pass has nothing left to decide");
        }
    }
}
