package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.CALLER;
import static org.pagerline.testkit.PagingHarness.LEE;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;
import static org.pagerline.testkit.PagingHarness.VAL;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.PagingHarness;

/** The paging cycle as a runbook: who gets paged when, and what each reply does. */
class PagingScenarioTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    private List<String> timeline(long incident) {
        return h.incidents.show(incident).timeline().stream().map(e -> e.kind() + ": " + e.detail()).toList();
    }

    @Test
    void theDefaultCycleClimbsTheLadderAndRepeatsUntilAcknowledged() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);

        h.after(Duration.ofMinutes(4));           // nothing yet
        h.after(Duration.ofMinutes(1));           // 5 min: the team lead
        h.expectPaged(LEE, id);
        h.after(Duration.ofMinutes(5));           // 10 min: the VP
        h.expectPaged(VAL, id);
        h.after(Duration.ofMinutes(9));           // 19 min: quiet
        h.after(Duration.ofMinutes(1));           // 20 min: the cycle starts again
        h.expectPaged(PAT, id);
        h.expectPaged(SAM, id);
        h.after(Duration.ofMinutes(5));
        h.expectPaged(LEE, id);
        assertEquals(IncidentState.OPEN, h.incidents.show(id).incident().state());
    }

    @Test
    void anSmsAckStopsThePagingAndTellsTheOthersWhoTookIt() {
        long id = h.voicemailPagingPatAndSam(Priority.P2);

        String answer = h.sms(SAM, id + "a");
        assertTrue(answer.contains("incident " + id + " is yours"), answer);
        assertTrue(answer.contains(CALLER), answer);
        h.pass();
        h.expectSms(PAT, "Sam took incident " + id);   // Pat learns who took it; Sam gets nothing more

        h.after(Duration.ofMinutes(5));
        h.after(Duration.ofMinutes(5));               // no team lead, no VP: it was acknowledged
        var view = h.incidents.show(id);
        assertEquals(IncidentState.ACKNOWLEDGED, view.incident().state());
        assertEquals("Sam", view.incident().ownerName());
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("ACKNOWLEDGED: Sam acknowledged")), timeline(id).toString());
    }

    @Test
    void aRepeatedOrStaleAckIsAnsweredAndChangesNothing() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, "a");                 // bare 'a': the newest page to Pat
        h.pass();
        h.expectSms(SAM, "Pat took incident " + id);

        String again = h.sms(PAT, id + "a");
        assertTrue(again.contains("incident " + id + " is already acknowledged by Pat; nothing changed"), again);
        String late = h.sms(SAM, "4");
        assertTrue(late.contains("already acknowledged by Pat"), late);
        String key = h.key(h.incidents.show(id).pages().stream()
                .filter(p -> p.to().equals(SAM) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id(), "4").say();
        assertTrue(key.contains("already acknowledged by Pat"), key);
        h.pass();                                      // and nobody is told anything new
        assertEquals("Pat", h.incidents.show(id).incident().ownerName());
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("LATE_RESPONSE: Sam's acknowledgement")));
    }

    @Test
    void unknownSendersAreIgnoredAndGibberishGetsHelp() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        assertEquals("", h.sms("+15145550000", id + "a"));
        assertTrue(h.sms(PAT, "what?").contains("12a to take"));
        assertTrue(h.sms(PAT, "999a").contains("no incident 999"));
        assertEquals(IncidentState.OPEN, h.incidents.show(id).incident().state());
    }

    @Test
    void theCallbackTimerEscalatesWiderAt30MinutesEvenAfterAnAck() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, id + "a");
        h.pass();
        h.expectSms(SAM, "Pat took");

        h.after(Duration.ofMinutes(29));
        h.after(Duration.ofMinutes(1));                // 30 min after the voicemail, no call-back recorded
        for (String phone : List.of(PAT, SAM, LEE, VAL)) {
            h.expectSms(phone, "LATE ticket");
        }
        h.expectNothingElse();
        assertTrue(timeline(id).stream().anyMatch(l -> l.contains("not called back within 30 min")));

        String cb = h.sms(PAT, id + "c");
        assertTrue(cb.contains("call-back on incident " + id + " recorded"), cb);
        h.after(Duration.ofMinutes(60));               // nothing more: it was called back
        assertEquals(IncidentState.CALLED_BACK, h.incidents.show(id).incident().state());
    }

    @Test
    void key1AcknowledgesConnectsToTheCallerAndTheCallbackCountsOnceConnected() {
        long id = h.voicemailPagingPatAndSam(Priority.P1);
        long patCall = h.incidents.show(id).pages().stream()
                .filter(p -> p.to().equals(PAT) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id();
        var brief = h.paging.brief(patCall).orElseThrow();
        assertTrue(brief.spokenIntro().contains("Jane Doe (Acme) called, about company-wide outage"), brief.spokenIntro());
        assertEquals("/var/spool/asterisk/voicemail/urgent/msg0001", brief.recording());

        var out = h.key(patCall, "1");
        assertEquals(CALLER, out.connectTo());
        assertFalse(out.hangUp());
        h.pass();
        h.expectSms(SAM, "Pat took");
        assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(id).incident().state(), "dialling is not yet a call-back");

        h.paging.onConnected(patCall, true, "DIALSTATUS ANSWER");
        assertEquals(IncidentState.CALLED_BACK, h.incidents.show(id).incident().state());
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("CALLED_BACK: Pat called the caller back (connected")),
                timeline(id).toString());
        h.after(Duration.ofHours(3));                  // no late call-back, no service-level warning
        h.expectNothingElse();
    }

    @Test
    void key1ThenACallerWhoDoesNotAnswerIsNoCallbackAndTheCallbackTimerStillRuns() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        long patCall = h.incidents.show(id).pages().stream()
                .filter(p -> p.to().equals(PAT) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id();

        h.key(patCall, "1");
        h.paging.onConnected(patCall, false, "DIALSTATUS BUSY");
        h.pass();
        h.expectSms(SAM, "Pat took");

        assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(id).incident().state());
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("CALLBACK_NOT_CONNECTED") && l.contains("BUSY")),
                timeline(id).toString());
        h.after(Duration.ofMinutes(30));               // 30 min after the voicemail: still no call-back
        for (String phone : List.of(PAT, SAM, LEE, VAL)) {
            h.expectSms(phone, "LATE ticket");
        }
        assertTrue(timeline(id).stream().anyMatch(l -> l.contains("not called back within 30 min")), timeline(id).toString());
    }

    @Test
    void key5PassesItOnToTheNextStepNow() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        long patCall = h.incidents.show(id).pages().stream()
                .filter(p -> p.to().equals(PAT) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id();
        assertTrue(h.key(patCall, "5").hangUp());
        h.pass();
        h.expectPaged(LEE, id);                        // the team lead now, not in 5 minutes
        h.after(Duration.ofMinutes(5));
        h.expectPaged(VAL, id);
    }

    @Test
    void aPassOnFromAnEarlierStepsPageIsAlreadyDoneAndPagesNobodyMore() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        long patCall = voicePageTo(id, PAT);
        long samCall = voicePageTo(id, SAM);
        assertTrue(h.key(patCall, "5").hangUp());   // Pat passes it on: the team lead now
        h.pass();
        h.expectPaged(LEE, id);

        var late = h.key(samCall, "5");             // Sam's 5 from the same (step 1) page
        assertTrue(late.hangUp());
        assertTrue(late.say().contains("already passed on"), late.say());
        h.pass();
        h.expectNothingElse();                                   // the VP is not paged at once
        h.after(Duration.ofMinutes(5));                          // but on time, 5 minutes after the team lead
        h.expectPaged(VAL, id);
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("LATE_RESPONSE: Sam's pass-it-on")),
                timeline(id).toString());
    }

    @Test
    void anSmsPassOnFromAnEarlierStepsPageIsAlreadyDoneToo() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, id + "e");
        h.pass();
        h.expectPaged(LEE, id);
        String late = h.sms(SAM, id + "e");
        assertTrue(late.contains("already passed on"), late);
        h.pass();
        h.expectNothingElse();
    }

    private long voicePageTo(long incident, String phone) {
        return h.incidents.show(incident).pages().stream()
                .filter(p -> p.to().equals(phone) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id();
    }

    @Test
    void aTemporaryFailureIsRetriedWithBackOffAndWrittenOnTheTicket() {
        h.phones.script(Channel.SMS, PAT, SendResult.temporary("30003", "unreachable"), SendResult.temporary("30003", "unreachable"));
        long id = h.voicemail(Priority.P3);
        h.pass();
        h.expectSms(PAT, id + "a");                    // first try fails
        h.expectCall(PAT);
        h.expectPaged(SAM, id);
        h.after(PagingHarness.BACKOFF);                // 30 s later: second try fails
        h.expectSms(PAT, id + "a");
        h.after(PagingHarness.BACKOFF);                // back-off doubled: not yet
        h.after(PagingHarness.BACKOFF);                // 60 s after: third try goes through
        var third = h.expectSms(PAT, id + "a");
        assertEquals(3, third.page().attempt());
        assertTrue(timeline(id).stream().filter(l -> l.startsWith("PAGE_RETRY")).count() == 2, timeline(id).toString());
    }

    @Test
    void aPermanentFailureMovesToVoiceAndTheTicketSaysSo() {
        h.phones.script(Channel.SMS, LEE, SendResult.permanent("21610", "recipient sent STOP"));
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        // The SLA page to the team lead is an SMS-only notice; use pass-it-on to reach Lee's step quickly.
        h.sms(PAT, id + "e");
        h.pass();
        h.expectSms(LEE, id + "a");                    // refused for good...
        h.expectCall(LEE);                             // ...and the call in the same step stands
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("PAGE_FAILED") && l.contains("21610")
                && l.contains("voice page to them stands")), timeline(id).toString());
    }

    @Test
    void aFailedNoticeFallsBackToVoice() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.phones.script(Channel.SMS, SAM, SendResult.permanent("21610", "recipient sent STOP"));
        h.sms(PAT, id + "a");
        h.pass();
        h.expectSms(SAM, "Pat took");                  // refused for good
        h.expectCall(SAM);                             // so Sam hears it by voice
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("PAGE_FALLBACK")), timeline(id).toString());
    }

    @Test
    void aCallNobodyAnswersIsAFailedAttemptNotAnAck() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        long patCall = h.incidents.show(id).pages().stream()
                .filter(p -> p.to().equals(PAT) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id();
        h.paging.onDelivery(new DeliveryReport(patCall, null, DeliveryReport.Outcome.NO_ANSWER, "3", "no answer"));
        assertEquals(IncidentState.OPEN, h.incidents.show(id).incident().state());
        h.after(PagingHarness.BACKOFF);
        h.expectCall(PAT);                             // rung again after the back-off
    }

    @Test
    void stopMeansNoMoreTextsOnlyCallsUntilStart() {
        long id = h.voicemail(Priority.P3);
        assertTrue(h.sms(SAM, "STOP").contains("no more texts"));
        h.pass();
        h.expectPaged(PAT, id);
        h.expectCall(SAM);                             // no SMS to Sam
        h.sms(SAM, "start");
        h.after(Duration.ofMinutes(20));               // the server was paused: every step due since goes now
        h.expectPaged(LEE, id);                        // team lead (due at 5)
        h.expectPaged(VAL, id);                        // VP (due at 10)
        h.expectPaged(PAT, id);                        // the new cycle (due at 20), Sam texted again
        h.expectPaged(SAM, id);
        h.after(Duration.ofMinutes(10));               // 30: team lead, VP, and the call-back deadline passed
        h.expectPaged(LEE, id);
        h.expectPaged(VAL, id);
        for (String phone : List.of(PAT, SAM, LEE, VAL)) {
            h.expectSms(phone, "LATE");                // still open, so the late page asks for an ack too
            h.expectCall(phone);
        }
    }

    @Test
    void aFirstPassOneWholeCycleLatePagesOnceNotTwice() {
        try (PagingHarness late = new PagingHarness()) {
            late.onCall(org.pagerline.core.roster.Role.PRIMARY, "Pat", PAT);
            late.incidents.setPolicy(List.of("0m PRIMARY"), "1m");
            long id = late.voicemail(Priority.P3);     // the engine does not get to it until a minute later
            late.after(Duration.ofMinutes(1));
            late.expectPaged(PAT, id);
            late.expectNothingElse();                  // not the missed cycle's page and the current one's together
            late.after(Duration.ofMinutes(1));
            late.expectPaged(PAT, id);                 // then once a minute, as the policy says
            late.incidents.resolve(id);
        }
    }

    /** At most 2 messages per 10 min to a phone; Pat alone on call, paged again each minute until someone takes it. */
    private static PagingHarness tightWithPat() {
        PagingHarness tight = new PagingHarness(new org.pagerline.core.page.RateLimit(2, Duration.ofMinutes(10)));
        tight.onCall(org.pagerline.core.roster.Role.PRIMARY, "Pat", PAT);
        tight.incidents.setPolicy(List.of("0m PRIMARY"), "1m");
        return tight;
    }

    @Test
    void aNoticeDeferredAgainAndAgainSaysSoOnItsTicketOnce() {
        try (PagingHarness tight = tightWithPat()) {
            long id = tight.voicemail(Priority.P3);
            tight.pass();
            tight.expectPaged(PAT, id);
            tight.voicemail(Priority.P3);              // the caller again: a notice that can wait, and Pat is at the limit
            tight.pass();
            for (int minute = 1; minute <= 14; minute++) {
                tight.after(Duration.ofMinutes(1));    // each cycle pages Pat (urgent: never held), keeping the phone at its limit
                tight.expectPaged(PAT, id);
            }
            var held = tight.incidents.show(id).pages().stream().filter(p -> p.state() == PageState.PENDING
                    && p.kind() == org.pagerline.core.page.PageKind.NOTICE).toList();
            assertEquals(1, held.size(), "the notice is still held back, not dropped");
            assertTrue(held.get(0).nextAttemptAt().isAfter(held.get(0).createdAt().plus(Duration.ofMinutes(10))),
                    "deferred more than once: " + held.get(0));
            long deferred = tight.incidents.show(id).timeline().stream().map(TicketEvent::kind).filter("PAGE_DEFERRED"::equals)
                    .count();
            assertEquals(1, deferred, "one line for the notice's deferral, not one per pass that deferred it again");
            tight.sms(PAT, id + "a");                  // taken: the cycles stop, and the window empties
            tight.after(Duration.ofMinutes(12));       // (before the 30-minute call-back promise runs late)
            tight.expectSms(PAT, "ANOTHER urgent message");
            tight.incidents.resolve(id);
        }
    }

    @Test
    void theRateLimitHoldsOnlyWhatCanWaitNeverAnUrgentPage() {
        try (PagingHarness tight = tightWithPat()) {
            long id = tight.voicemail(Priority.P3);
            tight.pass();
            tight.expectPaged(PAT, id);                // 2 pages to Pat's phone: the limit
            tight.after(Duration.ofMinutes(1));        // the next cycle: urgent, so it goes all the same
            tight.expectPaged(PAT, id);
            tight.voicemail(Priority.P3);              // the caller again: a notice that can wait
            tight.pass();
            var held = tight.incidents.show(id).pages().stream().filter(p -> p.state() == PageState.PENDING
                    && p.kind() == org.pagerline.core.page.PageKind.NOTICE).toList();
            assertEquals(1, held.size(), "the notice is held back, not dropped");
            assertTrue(tight.incidents.show(id).timeline().stream().map(TicketEvent::kind).anyMatch("PAGE_DEFERRED"::equals));
            tight.sms(PAT, id + "a");                  // Pat takes it: that confirmation is the SMS reply itself
            tight.after(Duration.ofMinutes(10));       // 10 min after the second pages: the held notice goes
            var sms = tight.expectSms(PAT, "ANOTHER urgent message");
            assertEquals(held.get(0).id(), sms.page().pageId());
            tight.incidents.resolve(id);
        }
        h.expectNothingElse();
    }

    @Test
    void aP1WarnsTheTeamLeadBeforeItsTwoHourDeadlineAndTellsTheVpWhenMissed() {
        h.incidents.setPolicy(List.of("0m PRIMARY"), "1h");
        long id = h.voicemail(Priority.P1);
        h.pass();
        h.expectPaged(PAT, id);
        h.sms(PAT, "a");
        h.pass();
        for (int late = 30; late <= 90; late += 30) {  // not called back: late at 30, and again each 30 min
            h.after(Duration.ofMinutes(30));
            for (String phone : List.of(PAT, LEE, VAL)) {   // the owner, everyone on the policy, lead and VP
                h.expectSms(phone, "LATE");
            }
        }
        h.after(Duration.ofMinutes(15));               // 1h45: the 2 h deadline is 15 min away
        h.expectSms(LEE, "respond-by deadline 05:00 is near");
        h.after(Duration.ofMinutes(15));               // 2h: missed, and late once more
        for (String phone : List.of(LEE, VAL)) {       // two notices due at once to one phone: one text
            String both = h.expectSms(phone, "pagerline: 2 notices: ").page().text();
            assertTrue(both.contains("MISSED") && both.contains("LATE"), both);
        }
        h.expectSms(PAT, "LATE");
        h.sms(PAT, id + "c");
        h.after(Duration.ofHours(2));
        assertNull(h.incidents.show(id).incident().nextDue());
    }

    @Test
    void resolvingStopsEverythingAndClosesTheTicket() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        assertTrue(h.incidents.resolve(id).changed());
        assertFalse(h.incidents.resolve(id).changed());
        h.after(Duration.ofHours(1));
        assertEquals(org.pagerline.core.ticket.TicketStatus.CLOSED,
                h.tickets.find(h.incidents.show(id).incident().ticketId()).status());
        String late = h.sms(SAM, id + "a");
        assertTrue(late.contains("already resolved"), late);
    }

    @Test
    void aSendInFlightWhenTheServerDiedIsSentAgainOnceAfterTheSendTimeout() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        // A page claimed for sending, then the process died before the result was written.
        long inFlight = h.tx.inTransaction(s -> {
            var i = s.incidents().find(id).orElseThrow();
            long pageId = s.pages().insert(org.pagerline.core.page.Page.pending(id, i.ticketId(), null, "Pat", Channel.SMS, PAT,
                    org.pagerline.core.page.PageKind.NOTICE, Long.toString(id), "in flight at the crash", -1, 0, false,
                    h.clock.instant()));
            s.pages().claim(pageId, PageState.PENDING, null, h.clock.instant());
            return pageId;
        });
        h.after(Duration.ofSeconds(59));               // within the send timeout: it may still be on its way
        h.after(Duration.ofSeconds(2));                // past it: sent again, once
        var again = h.expectSms(PAT, "in flight at the crash");
        assertEquals(inFlight, again.page().pageId());
        assertEquals(2, again.page().attempt());
        h.after(Duration.ofSeconds(61));               // and not a third time
        assertEquals(PageState.SENT, h.incidents.show(id).pages().stream().filter(p -> p.id() == inFlight).findFirst()
                .orElseThrow().state());
        assertTrue(timeline(id).stream().anyMatch(l -> l.startsWith("PAGE_RESENT")));
    }
}
