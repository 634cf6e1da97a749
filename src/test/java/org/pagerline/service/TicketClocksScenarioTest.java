package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.TicketRig.LEE;
import static org.pagerline.testkit.TicketRig.VAL;
import static org.pagerline.testkit.TicketRig.desk;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.page.Notice;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Requester;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.testkit.RecordingPageChannel;
import org.pagerline.testkit.TicketRig;

/**
 * Warnings and breaches as a runbook, on the moved clock: the team lead is warned the lead time
 * before each deadline, team lead and VP are told when one is missed, once per clock, restart or
 * not; nothing is paged over a weekend; a resolved ticket closes itself after the quiet time.
 */
class TicketClocksScenarioTest {
    @TempDir
    Path dir;

    static Requester jane() {
        return new Requester("Jane Doe", "Acme", "+12045559999", "jane@acme.example");
    }

    private static ClockState state(TicketService.TicketDetail d, ClockKind k) {
        return d.clocks().stream().filter(c -> c.kind() == k).findFirst().orElseThrow().state();
    }

    /**
     * Lee's texts answer {@code results} in turn (accepted after them); Jane's printer ticket (P3,
     * by email, Friday 16:00) is warned to Lee at Monday 10:30, its respond target due 11:00.
     */
    private static long printerWarnedToLee(TicketRig r, org.pagerline.service.SendResult... results) {
        if (results.length > 0) {
            r.phones.script(org.pagerline.core.page.Channel.SMS, LEE, results);
        }
        long id = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "The printer on 3 is jammed").ticket().id();
        r.pass();
        r.at("2026-12-07T10:30");
        return id;
    }

    @Test
    void anEmailOpenedFridayAfternoonIsWarnedAndMissedOnMondayOnlyOncePerClock() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            long id = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "The printer on 3 is jammed").ticket().id();
            r.pass();
            r.at("2026-12-05T12:00");   // the weekend: nothing
            r.at("2026-12-07T10:29");
            r.at("2026-12-07T10:30");   // respond: 4 h (Friday 1 h + Monday 3 h) due 11:00, warned 30 min before
            r.expectSms(LEE, "ticket " + id + " (Jane Doe, Acme): respond target due Mon 2026-12-07 11:00 CST; nobody has taken it");
            r.at("2026-12-07T10:40");
            r.tickets.take(id, "Pat");  // an email's contact clock is met by taking it (it would have warned at 11:00)
            r.at("2026-12-07T11:00");
            r.expectSms(LEE, "respond target MISSED, due Mon 2026-12-07 11:00 CST; owner Pat, acknowledged");
            r.expectSms(VAL, "respond target MISSED");
            r.at("2026-12-07T11:10");
            r.tickets.contacted(id, "Pat", "phoned Jane");
            r.at("2026-12-07T14:59");
            r.at("2026-12-07T15:00");   // resolve: 1 business day, due 16:00, warned an hour before
            r.expectSms(LEE, "P3 ticket " + id + " (Jane Doe, Acme): resolve target due Mon 2026-12-07 16:00 CST; owner Pat, in progress");
            r.restart();
            r.at("2026-12-07T15:01");   // restarted: the warning is not sent again
            r.at("2026-12-07T16:00");
            r.expectSms(LEE, "resolve target MISSED");
            r.expectSms(VAL, "resolve target MISSED");
            r.restart();
            r.at("2026-12-07T16:30");   // and neither is the breach
            TicketService.TicketDetail d = r.tickets.detail(id);
            assertEquals(ClockState.MET, state(d, ClockKind.CONTACT));
            assertEquals(ClockState.BREACHED, state(d, ClockKind.RESPOND));
            assertEquals(ClockState.BREACHED, state(d, ClockKind.RESOLVE));
            List<String> kinds = d.timeline().stream().map(e -> e.kind()).toList();
            assertEquals(2, kinds.stream().filter("SLA_WARNING"::equals).count(), kinds.toString());
            assertEquals(2, kinds.stream().filter("SLA_BREACHED"::equals).count(), kinds.toString());
            assertTrue(d.timeline().stream().anyMatch(e -> e.detail().contains("team lead warned: paging Lee (sms)")),
                    d.timeline().toString());

            r.tickets.resolve(id, "Pat", "cleared the jam");
            r.at("2026-12-10T16:29");   // 72 h of quiet not yet over
            assertEquals(TicketState.RESOLVED, r.tickets.detail(id).state());
            r.at("2026-12-10T16:31");
            assertEquals(TicketState.CLOSED, r.tickets.detail(id).state());
        }
    }

    @Test
    void aTeamLeadWithTextsOffIsCalledWithTheClockThatIsLateNamedForTheCallToSay() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            r.tx.run(s -> s.pages().optOut(LEE, desk("2026-12-04T15:00")));
            long id = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "The printer on 3 is jammed").ticket().id();
            r.pass();
            r.at("2026-12-07T10:30");   // respond target warned, as above, by a call: Lee's phone texted STOP
            RecordingPageChannel.Sent warned = r.expectCall(LEE);
            r.at("2026-12-07T11:00");
            RecordingPageChannel.Sent missed = r.expectCall(LEE);
            r.expectSms(VAL, "respond target MISSED");

            PagingService paging = new PagingService(r.tx, java.time.Clock.systemUTC(),
                    new org.pagerline.core.page.DeliveryPolicy(java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5), 3),
                    () -> { });
            PageResponses.PageBrief near = paging.brief(warned.page().pageId()).orElseThrow();
            assertEquals(Notice.RESPOND_TARGET_NEAR, near.notice());
            assertTrue(near.isNotice());
            assertEquals(id, near.ticketId());
            assertEquals("Notice from pagerline. P3 ticket " + id + " (Jane Doe, Acme): respond target due Mon 2026-12-07"
                    + " 11:00 CST; nobody has taken it, new.", near.spokenIntro());
            assertEquals(Notice.RESPOND_TARGET_MISSED, paging.brief(missed.page().pageId()).orElseThrow().notice());
            // a key on it takes nothing: 4 says it was heard
            PageResponses.KeyOutcome four = paging.onPageKey(warned.page().pageId(), org.pagerline.core.page.PageKey.of("4"));
            assertEquals(new PageResponses.KeyOutcome("Thank you. Goodbye.", null, true), four);
            assertTrue(paging.onPageKey(warned.page().pageId(), org.pagerline.core.page.PageKey.of("1")).say()
                    .startsWith("This is a notice: there is nothing to take"));
        }
    }

    @Test
    void aWarningWhoseTextFailsForGoodIsCalledInsteadAndSaysSoOnTheTicket() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            // Lee's number cannot take texts (Twilio 21614: not a mobile number): refused for good, each time
            org.pagerline.service.SendResult refused = org.pagerline.service.SendResult.permanent("21614",
                    "'To' number is not a valid mobile number");
            long id = printerWarnedToLee(r, refused, refused);   // respond target warned 30 min before 11:00
            r.expectSms(LEE, "respond target due Mon 2026-12-07 11:00 CST");
            r.pass();                   // the refusal is decided: a call to Lee instead
            RecordingPageChannel.Sent call = r.expectCall(LEE);
            assertEquals(Notice.RESPOND_TARGET_NEAR, r.tx.inTransaction(s -> s.pages().find(call.page().pageId()))
                    .orElseThrow().notice(), "the call says which clock is late");
            List<String> lines = r.tickets.detail(id).timeline().stream().map(e -> e.kind() + " " + e.detail()).toList();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("PAGE_FALLBACK ") && l.contains("failed for good")
                    && l.contains("trying voice instead")), lines.toString());
            r.at("2026-12-07T11:00");
            r.expectSms(LEE, "respond target MISSED");   // the breach is a notice of its own, tried by text first
            r.pass();
            r.expectCall(LEE);
            r.expectSms(VAL, "respond target MISSED");
            r.expectNothingElse();
        }
    }

    @Test
    void aDigestOfWarningsRefusedForGoodIsCalledNoticeByNoticeNeverAsOneCallThatNamesNone() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            r.phones.script(org.pagerline.core.page.Channel.SMS, LEE,
                    org.pagerline.service.SendResult.permanent("21614", "'To' number is not a valid mobile number"));
            long a = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "The printer on 3 is jammed").ticket().id();
            long b = r.tickets.open(TicketSource.PORTAL, jane(), Priority.P3, "VPN drops every hour").ticket().id();
            r.pass();
            r.at("2026-12-07T10:30");   // both respond targets warned at once: one text for the two
            r.expectSms(LEE, "pagerline: 2 notices: ");
            r.pass();
            java.util.Set<Long> called = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
                RecordingPageChannel.Sent call = r.expectCall(LEE);
                org.pagerline.core.page.Page p = r.tx.inTransaction(s -> s.pages().find(call.page().pageId())).orElseThrow();
                assertEquals(Notice.RESPOND_TARGET_NEAR, p.notice(), p.toString());
                called.add(p.ticketId());
                r.pass();
            }
            assertEquals(java.util.Set.of(a, b), called, "each ticket's warning is called on its own");
            r.at("2026-12-07T10:45");
            r.expectNothingElse();
        }
    }

    @Test
    void aSecondReportOfOneRefusalCallsOnce() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            long id = printerWarnedToLee(r);
            RecordingPageChannel.Sent sms = r.expectSms(LEE, "respond target due Mon 2026-12-07 11:00 CST");
            org.pagerline.service.DeliveryReport refused = new org.pagerline.service.DeliveryReport(sms.page().pageId(),
                    "fake-" + sms.page().pageId() + "-1", org.pagerline.service.DeliveryReport.Outcome.PERMANENT_FAILURE,
                    "21614", "not a mobile number");
            PagingService paging = new PagingService(r.tx, r.clock, new org.pagerline.core.page.DeliveryPolicy(
                    java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5), 3), () -> { });
            paging.onDelivery(refused);
            paging.onDelivery(refused);   // the provider's status callback, retried
            r.pass();
            r.expectCall(LEE);
            r.at("2026-12-07T10:45");
            r.expectNothingElse();
            assertEquals(1, r.tickets.detail(id).timeline().stream().filter(e -> e.kind().equals("PAGE_FALLBACK")).count());
        }
    }

    @Test
    void twoReportsOfOneRefusalThatBothReadTheTextAsSentCallOnce() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            printerWarnedToLee(r);
            RecordingPageChannel.Sent sms = r.expectSms(LEE, "respond target due Mon 2026-12-07 11:00 CST");
            // both status callbacks read the text as SENT before either wrote its failure
            org.pagerline.core.page.Page seen = r.tx.inTransaction(s -> s.pages().find(sms.page().pageId())).orElseThrow();
            DeliveryOutcomes outcomes = new DeliveryOutcomes(new org.pagerline.core.page.DeliveryPolicy(
                    java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5), 3));
            for (int i = 0; i < 2; i++) {
                r.tx.run(s -> outcomes.failed(s, seen, org.pagerline.core.page.DeliveryPolicy.Failure.PERMANENT, "21614",
                        "not a mobile number", r.clock.instant()));
            }
            r.pass();
            r.expectCall(LEE);
            r.at("2026-12-07T10:45");
            r.expectNothingElse();
        }
    }

    @Test
    void aWarningWaitingForItsRetryIsNotSentOnceTheTargetIsMet() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            long id = printerWarnedToLee(r, org.pagerline.service.SendResult.temporary("30003", "unreachable handset"));
            r.expectSms(LEE, "respond target due Mon 2026-12-07 11:00 CST; nobody has taken it");   // fails: retry in 30 s
            r.tickets.contacted(id, "Pat", "phoned Jane");                                         // the target is met
            r.at("2026-12-07T10:31");
            r.at("2026-12-07T10:45");
            r.expectNothingElse();                                                                 // no retry, no call
            List<String> lines = r.tickets.detail(id).timeline().stream().map(e -> e.kind() + " " + e.detail()).toList();
            assertTrue(lines.contains("NOTICE_CANCELLED SMS to Lee (" + LEE + ") not sent: the target was met or the ticket"
                    + " closed meanwhile"), lines.toString());
        }
    }

    @Test
    void aWarningWaitingForItsRetryIsNotSentOnceItsIncidentClosedTheTicket() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            long id = printerWarnedToLee(r, org.pagerline.service.SendResult.temporary("30003", "unreachable handset"));
            r.expectSms(LEE, "respond target due Mon 2026-12-07 11:00 CST");   // fails: retry in 30 s
            // an incident's resolve closes the ticket's row as Acknowledgements does; the clocks stop at the next pass
            r.tx.run(s -> s.tickets().update(s.tickets().find(id).orElseThrow()
                    .withStatus(org.pagerline.core.ticket.TicketStatus.CLOSED).touchedAt(r.clock.instant())));
            r.clock.set(desk("2026-12-07T10:31"));
            r.engine.runDue();                                                  // the paging engine before the clocks'
            r.expectNothingElse();
        }
    }

    @Test
    void aWarningCallAnsweredAfterTheTargetWasMetSaysItIsNoLongerNeededButABreachIsStillNews() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            r.tx.run(s -> s.pages().optOut(LEE, desk("2026-12-04T15:00")));
            long id = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "The printer on 3 is jammed").ticket().id();
            r.pass();
            r.at("2026-12-07T10:30");
            RecordingPageChannel.Sent warned = r.expectCall(LEE);   // ringing Lee
            PagingService paging = new PagingService(r.tx, r.clock, new org.pagerline.core.page.DeliveryPolicy(
                    java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5), 3), () -> { });
            assertTrue(paging.takenBy(warned.page().pageId()).isEmpty(), "wanted while the target runs");
            r.tickets.contacted(id, "Pat", "phoned Jane");          // Pat responds before Lee answers
            assertTrue(paging.takenBy(warned.page().pageId()).isPresent(), "no longer needed once met");

            long late = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "The scanner too").ticket().id();
            r.pass();
            r.at("2026-12-07T14:00");                               // its respond target (14:30): warned, by a call
            r.expectCall(LEE);
            r.at("2026-12-07T14:30");                               // and missed
            RecordingPageChannel.Sent missed = r.expectCall(LEE);
            r.expectSms(VAL, "respond target MISSED");
            r.tickets.contacted(late, "Pat", "phoned Jane, late");
            assertTrue(paging.takenBy(missed.page().pageId()).isEmpty(), "a missed target is still news");
        }
    }

    @Test
    void aWarningDecidedBeforeACrashIsSentOnceAfterTheRestart() {
        try (TicketRig r = new TicketRig(dir, "2026-12-07T09:00")) {
            long id = r.tickets.open(TicketSource.PORTAL, jane(), null, "VPN drops every hour").ticket().id();
            r.pass();
            r.clock.set(desk("2026-12-07T14:00"));   // contact: 6 business hours, due 15:00, warned 14:00
            r.restartWithoutSending();                 // decided and written, then the process died
            r.pass();
            r.expectSms(LEE, "ticket " + id + " (Jane Doe, Acme): contact target due Mon 2026-12-07 15:00 CST");
            r.at("2026-12-07T14:05");
            r.restart();
            r.at("2026-12-07T14:10");
            r.expectNothingElse();
        }
    }

    @Test
    void waitingOnTheCustomerOverTheWeekendKeepsTheResolveClockQuietAndGivesTheTimeBack() {
        try (TicketRig r = new TicketRig(dir, "2026-12-03T09:00")) {
            long id = r.tickets.open(TicketSource.EMAIL, jane(), Priority.P3, "Outlook will not start").ticket().id();
            r.tickets.take(id, "Pat");
            r.at("2026-12-03T12:00");
            r.tickets.waitOnCustomer(id, "Pat", "asked for the error text");
            r.at("2026-12-04T09:00");   // the old deadline (Friday 09:00) passes quietly: the clock is paused
            r.at("2026-12-07T10:00");
            r.tickets.customerReplied(id, "email", "here is the error");
            TicketService.TicketDetail d = r.tickets.detail(id);
            assertEquals(TicketState.IN_PROGRESS, d.state());
            assertEquals(desk("2026-12-07T16:00"), d.clocks().stream().filter(c -> c.kind() == ClockKind.RESOLVE)
                    .findFirst().orElseThrow().dueAt(), "3 h Thursday + 6 h from Monday 10:00");
            r.at("2026-12-07T15:00");
            r.expectSms(LEE, "resolve target due Mon 2026-12-07 16:00 CST; owner Pat, in progress");
        }
    }

    @Test
    void aHolidayAddedAfterOpeningMovesEveryOpenDeadline() {
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            long id = r.tickets.open(TicketSource.CLI, jane(), Priority.P3, "New starter needs a laptop").ticket().id();
            r.calendar.addHoliday("2026-12-07", "Storm day");
            TicketService.TicketDetail d = r.tickets.detail(id);
            assertEquals(desk("2026-12-08T16:00"), d.clocks().stream().filter(c -> c.kind() == ClockKind.RESOLVE)
                    .findFirst().orElseThrow().dueAt());
            assertTrue(d.timeline().stream().anyMatch(e -> e.kind().equals("CLOCK_MOVED")
                    && e.detail().contains("the desk calendar changed: ") && e.detail().contains("resolve due Tue 2026-12-08 16:00 CST (was Mon 2026-12-07 16:00 CST)")), d.timeline().toString());
            r.at("2026-12-07T10:30");   // the old respond warning instant: a holiday now, nothing
            r.at("2026-12-07T15:00");   // nor the old resolve warning instant
            r.at("2026-12-08T10:30");   // respond: Friday 1 h + Tuesday 3 h = 11:00
            r.expectSms(LEE, "respond target due Tue 2026-12-08 11:00 CST");
            r.tickets.contacted(id, "Sam", "called back");
            r.at("2026-12-08T15:00");
            r.expectSms(LEE, "resolve target due Tue 2026-12-08 16:00 CST");
        }
    }
}
