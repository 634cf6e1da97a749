package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.TicketRig.LEE;
import static org.pagerline.testkit.TicketRig.PAT;
import static org.pagerline.testkit.TicketRig.VAL;
import static org.pagerline.testkit.TicketRig.desk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.PageKey;
import org.pagerline.core.page.SmsCommand;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.testkit.RecordingPageChannel;
import org.pagerline.testkit.TicketRig;

/**
 * The urgent line's incident and its ticket as one piece of work: acknowledging the incident (a
 * key on the paging call, an SMS) acknowledges the ticket as the technician's; and the respond
 * deadline of the caller's priority is told once, by the incident (its respond-by notice), while
 * the ticket's respond clock records its warning and breach without paging anyone a second time.
 */
class UrgentIncidentAndItsTicketTest {
    static final String CALLER = "+12045559999";

    /** The urgent line wired as the server wires it: incident and paging services acknowledge tickets through the rig's. */
    private record Line(IncidentService incidents, PagingService paging, CallService calls) {}

    private static Line line(TicketRig r) {
        IncidentService incidents = new IncidentService(r.tx, r.clock, Duration.ofMinutes(30), Duration.ofMinutes(15),
                () -> { }, Metrics.NONE, r.tickets);
        incidents.setPolicy(List.of("0m PRIMARY"), "1h");
        PagingService paging = new PagingService(r.tx, r.clock, new DeliveryPolicy(Duration.ofSeconds(30),
                Duration.ofMinutes(5), 3), () -> { }, Metrics.NONE, r.tickets);
        CallService calls = new CallService(r.tx, r.tickets, new PhoneNumbers("CA"), incidents, r.clock, Duration.ofHours(4),
                Duration.ofMinutes(30), Set.of("CA", "US"));
        return new Line(incidents, paging, calls);
    }

    /** A caller picks {@code p} and leaves an urgent voicemail now; returns the ticket id. */
    private static long urgentVoicemail(TicketRig r, Line l, String uniqueId, String caller, Priority p) {
        LiveCall call = l.calls().start(uniqueId, "PJSIP/trunk-0001", caller, "Jane Doe");
        call.call().priority(l.calls().now(), p, false);
        l.calls().save(call);
        l.calls().messageLeft(call, "urgent/msg0001", 20, false, true, p);
        l.calls().saveLast(call);
        assertTrue(l.calls().awaitSaved(Duration.ofSeconds(10)), "the call's last lines written");
        return call.ticketId();
    }

    private static TicketService.ClockView clock(TicketService.TicketDetail d, ClockKind k) {
        return d.clocks().stream().filter(c -> c.kind() == k).findFirst().orElseThrow();
    }

    @Test
    void acknowledgingTheIncidentOnThePagingCallAcknowledgesItsTicketAsThatTechnician() {
        try (TicketRig r = TicketRig.inMemory("2026-12-05T03:00")) {
            Line l = line(r);
            long ticket = urgentVoicemail(r, l, "1733390000.1", CALLER, Priority.P2);
            r.pass();
            r.expectSms(PAT, "left an urgent message");
            long pageId = r.expectCall(PAT).page().pageId();
            assertEquals(TicketState.NEW, r.tickets.detail(ticket).state());

            r.clock.set(desk("2026-12-05T03:05"));
            l.paging().onPageKey(pageId, PageKey.ACKNOWLEDGE);
            TicketService.TicketDetail d = r.tickets.detail(ticket);
            assertEquals(TicketState.ACKNOWLEDGED, d.state(), "the incident's acknowledgement acknowledges its ticket");
            assertEquals("Pat", d.ownerName());
            long incident = l.incidents().list(10, false).get(0).id();
            assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("TAKEN")
                    && e.detail().equals("Pat took the ticket by acknowledging incident " + incident + "; ticket acknowledged")),
                    d.timeline().toString());
            assertEquals(1, d.timeline().stream().filter(e -> e.kind().equals("ACKNOWLEDGED")).count(),
                    "one ACKNOWLEDGED line, the incident's: " + d.timeline());
            assertEquals(ClockState.RUNNING, clock(d, ClockKind.CONTACT).state(),
                    "the call-back promise is kept by calling back, not by acknowledging");

            r.clock.set(desk("2026-12-05T03:20"));
            l.incidents().calledBack(incident, "Pat");
            r.at("2026-12-05T03:40");
            d = r.tickets.detail(ticket);
            assertEquals(TicketState.IN_PROGRESS, d.state());
            assertEquals("Pat", d.ownerName());
            assertEquals(desk("2026-12-05T03:20"), clock(d, ClockKind.CONTACT).metAt());
        }
    }

    @Test
    void anSmsAcknowledgementTakesAnUnownedTicketButLeavesTheDesksOwnerInPlace() {
        try (TicketRig r = TicketRig.inMemory("2026-12-07T09:00")) {
            Line l = line(r);
            long unowned = urgentVoicemail(r, l, "1733390000.1", CALLER, Priority.P2);
            long owned = urgentVoicemail(r, l, "1733390000.2", "+12045558888", Priority.P2);
            r.tickets.take(owned, "Sam");
            r.pass();
            r.phones.drain();
            List<Long> incidents = l.incidents().list(10, false).stream().map(i -> i.id()).sorted().toList();

            l.paging().onSmsReply(PAT, SmsCommand.parse(incidents.get(0) + "a"));
            l.paging().onSmsReply(PAT, SmsCommand.parse(incidents.get(1) + "a"));
            assertEquals(TicketState.ACKNOWLEDGED, r.tickets.detail(unowned).state());
            assertEquals("Pat", r.tickets.detail(unowned).ownerName());
            assertEquals("Sam", r.tickets.detail(owned).ownerName(), "the desk's owner stays");
            assertEquals(TicketState.ACKNOWLEDGED, r.tickets.detail(owned).state());
            r.phones.drain();
        }
    }

    @Test
    void aP3RespondDeadlineOnTheUrgentLineIsToldOnceByTheIncidentAndRecordedOnTheTicket() {
        try (TicketRig r = TicketRig.inMemory("2026-12-07T09:00")) {   // Monday, the desk open 08:00-17:00
            Line l = line(r);
            long ticket = urgentVoicemail(r, l, "1733390000.1", CALLER, Priority.P3);
            r.pass();
            long incident = l.incidents().list(10, false).get(0).id();
            l.paging().onSmsReply(PAT, SmsCommand.parse(incident + "a"));   // taken, never called back
            // the ticket's respond clock: 4 business hours from the call, due 13:00, its warning at 12:30;
            // the incident's respond-by: 13:00 too, its notice 15 minutes before
            List<RecordingPageChannel.Sent> sent = new ArrayList<>(r.phones.drain());
            for (int quarter = 1; quarter <= 18; quarter++) {   // to 13:30, every quarter of an hour
                r.clock.advance(Duration.ofMinutes(15));
                r.pass();
                sent.addAll(r.phones.drain());
            }
            // (the LATE call-back notices go on all along: the incident's escalation, not a service level)
            List<String> lee = texts(sent, LEE).stream().filter(t -> t.contains("respond")).toList();
            List<String> val = texts(sent, VAL).stream().filter(t -> t.contains("respond")).toList();
            assertEquals(List.of("respond-by deadline 13:00 is near", "respond-by deadline 13:00 MISSED"),
                    lee.stream().map(t -> t.replaceAll(".*(respond-by deadline \\S+ (is near|MISSED)).*", "$1")).toList(),
                    "the team lead hears of the deadline once, then of its miss once: " + lee);
            assertEquals(1, val.size(), val.toString());
            assertTrue(val.get(0).contains("respond-by deadline 13:00 MISSED"), val.toString());
            assertTrue(lee.stream().noneMatch(t -> t.contains("respond target")), "no second telling by the ticket: " + lee);

            TicketService.TicketDetail d = r.tickets.detail(ticket);
            assertEquals(ClockState.BREACHED, clock(d, ClockKind.RESPOND).state(), "the ticket's clock still records it");
            assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("SLA_WARNING") && e.detail().equals(
                    "respond: due Mon 2026-12-07 13:00 CST (30 min left); the incident's respond-by notice tells the team lead")),
                    d.timeline().toString());
            assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("SLA_BREACHED") && e.detail().equals(
                    "respond: missed, due Mon 2026-12-07 13:00 CST; the incident's respond-by notice tells team lead and VP")),
                    d.timeline().toString());
        }
    }

    @Test
    void aTicketWhoseIncidentWasCalledBackHasItsRespondDeadlineMetAndNobodyIsTold() {
        try (TicketRig r = TicketRig.inMemory("2026-12-07T09:00")) {
            Line l = line(r);
            long ticket = urgentVoicemail(r, l, "1733390000.1", CALLER, Priority.P3);
            r.pass();
            long incident = l.incidents().list(10, false).get(0).id();
            r.clock.set(desk("2026-12-07T09:10"));
            l.incidents().calledBack(incident, "Sam");
            List<RecordingPageChannel.Sent> sent = new ArrayList<>(r.phones.drain());
            for (String at : List.of("2026-12-07T12:30", "2026-12-07T12:45", "2026-12-07T13:00", "2026-12-07T16:00")) {
                r.clock.set(desk(at));
                r.pass();
                sent.addAll(r.phones.drain());
            }
            assertTrue(texts(sent, LEE).stream().noneMatch(t -> t.contains("respond")), texts(sent, LEE).toString());
            TicketService.TicketDetail d = r.tickets.detail(ticket);
            assertEquals(ClockState.MET, clock(d, ClockKind.RESPOND).state());
            assertEquals("Sam", d.ownerName(), "calling back an open incident takes it, and its ticket");
        }
    }

    private static List<String> texts(List<RecordingPageChannel.Sent> sent, String to) {
        return sent.stream().filter(s -> s.page().to().equals(to) && s.page().channel() == Channel.SMS)
                .map(s -> s.page().text()).toList();
    }
}
