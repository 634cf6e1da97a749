package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.PAT;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PagingHarness;

/**
 * The notices the per-phone limit holds back (a caller's second message on an incident someone
 * took) go out as ONE text when the phone may be texted again, not one per window for days.
 */
class NoticeDigestScenarioTest {
    static final String OMAR = "+12045558888";
    /** At most 2 messages per 10 min to a phone; Pat alone on call, paged again each half hour until someone takes it. */
    final PagingHarness h = new PagingHarness(new RateLimit(2, Duration.ofMinutes(10)));

    NoticeDigestScenarioTest() {
        h.onCall(Role.PRIMARY, "Pat", PAT);
        h.incidents.setPolicy(List.of("0m PRIMARY"), "30m");
    }

    @AfterEach
    void close() {
        h.close();
    }

    private List<Page> notices(long incident) {
        return h.incidents.show(incident).pages().stream().filter(p -> p.kind() == PageKind.NOTICE).toList();
    }

    /** Jane's incident paged Pat and Pat took it: her phone has had its two messages of this window. */
    private long janeTakenByPat() {
        long jane = h.voicemail(Priority.P3);
        h.pass();
        h.expectPaged(PAT, jane);
        h.sms(PAT, jane + "a");                       // the answer to the SMS is the confirmation: not counted
        return jane;
    }

    /** Jane, her incident taken by Pat, calls twice more: two notices held back by Pat's limit. */
    private long twoNoticesHeldFromJane() {
        long jane = janeTakenByPat();
        h.voicemail(Priority.P3);
        h.voicemail(Priority.P3);
        h.pass();
        return jane;
    }

    /**
     * Jane's and Omar's incidents, both taken by Pat, then both callers again (Jane twice): three
     * notices held back, Pat's phone at its limit since minute 1. Returns {jane, omar}.
     */
    private long[] threeNoticesHeldFromJaneAndOmar() {
        long jane = janeTakenByPat();
        long omar = h.voicemailFrom(OMAR, "Omar Haddad", "Zeta", Priority.P2);
        h.after(Duration.ofMinutes(1));               // urgent: past the limit, once the bundle gap allows
        h.expectPaged(PAT, omar);
        h.sms(PAT, omar + "a");
        h.voicemail(Priority.P3);                     // both callers again: three notices that can wait
        h.voicemail(Priority.P3);
        h.voicemailFrom(OMAR, "Omar Haddad", "Zeta", Priority.P2);
        h.pass();
        h.expectNothingElse();                        // Pat's phone is at its limit: all three held back
        assertEquals(3, notices(jane).size() + notices(omar).size());
        return new long[] {jane, omar};
    }

    @Test
    void noticesHeldByTheLimitGoAsOneTextWhenThePhoneMayBeTextedAgain() {
        long[] ids = threeNoticesHeldFromJaneAndOmar();
        long jane = ids[0];
        long omar = ids[1];
        h.after(Duration.ofMinutes(10));              // the window has moved past the pages of minute 1
        var digest = h.expectSms(PAT, "pagerline: 3 notices: ");
        String text = digest.page().text();
        assertTrue(text.contains("Jane Doe (Acme) left ANOTHER urgent message") && text.contains("(x2)"), text);
        assertTrue(text.contains("Omar Haddad (Zeta) left ANOTHER urgent message"), text);
        h.expectNothingElse();                        // one text, not three
        List<Page> all = new java.util.ArrayList<>(notices(jane));
        all.addAll(notices(omar));
        assertTrue(all.stream().allMatch(p -> p.state() == PageState.SENT), all.toString());
        assertEquals(3, h.tx.inTransaction(s -> s.pages().carriedBy(digest.page().pageId())).size(),
                "the digest is a page of its own, carrying the three");
        assertTrue(h.incidents.show(omar).timeline().stream().anyMatch(e -> e.kind().equals("PAGE_BUNDLED")
                && e.detail().contains("one text for 3 notices")), "the carried notice says where it went");

        h.voicemail(Priority.P3);                     // the digest counted as ONE message: the next notice goes at once
        h.pass();
        var next = h.expectSms(PAT, "ANOTHER urgent message");
        assertFalse(next.page().text().contains("notices"), next.page().text());
        h.incidents.resolve(jane);
        h.incidents.resolve(omar);
    }

    private long sentLines(long incident) {
        return h.incidents.show(incident).timeline().stream().filter(e -> e.kind().equals("PAGE_SENT")).count();
    }

    @Test
    void eachTicketWhoseNoticeWentInTheDigestSaysItWentOut() {
        long[] ids = threeNoticesHeldFromJaneAndOmar();
        long janeBefore = sentLines(ids[0]);
        long omarBefore = sentLines(ids[1]);
        h.after(Duration.ofMinutes(10));
        var digest = h.expectSms(PAT, "pagerline: 3 notices: ");
        long janeAfter = sentLines(ids[0]);
        long omarAfter = sentLines(ids[1]);
        assertTrue(janeAfter > janeBefore && omarAfter > omarBefore, "PAGE_SENT lines before and after the digest: Jane "
                + janeBefore + " -> " + janeAfter + ", Omar " + omarBefore + " -> " + omarAfter);
        long carrierTicket = digest.page().ticketId();
        long other = h.incidents.show(ids[0]).incident().ticketId() == carrierTicket ? ids[1] : ids[0];
        var timeline = h.incidents.show(other).timeline();
        assertTrue(timeline.stream().anyMatch(e -> e.kind().equals("PAGE_SENT")
                && e.detail().contains("went out inside page " + digest.page().pageId())), timeline.toString());
        h.incidents.resolve(ids[0]);
        h.incidents.resolve(ids[1]);
    }

    @Test
    void aCallBackWhileADigestsNoticesWaitForTheirRetryCancelsThatCallersNoticesOnly() {
        long[] ids = threeNoticesHeldFromJaneAndOmar();
        long jane = ids[0];
        long omar = ids[1];
        h.phones.script(Channel.SMS, PAT, SendResult.temporary("30003", "unreachable"));
        h.after(Duration.ofMinutes(10));
        h.expectSms(PAT, "pagerline: 3 notices: ");   // fails: each notice waits for its own retry
        h.sms(PAT, jane + "c");                       // meanwhile Jane is called back: her notices are moot
        h.after(PagingHarness.BACKOFF);
        var omars = h.expectSms(PAT, "Omar Haddad (Zeta) left ANOTHER urgent message");
        assertFalse(omars.page().text().contains("notices"), "Omar's notice alone: " + omars.page().text());
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();
        assertTrue(notices(jane).stream().allMatch(p -> p.state() == PageState.CANCELLED), notices(jane).toString());
        h.incidents.resolve(omar);
    }

    @Test
    void aDigestThatFailsIsSentAgainInTheSameWordsNeverAsSeparateTexts() {
        long jane = twoNoticesHeldFromJane();
        h.phones.script(Channel.SMS, PAT, SendResult.temporary("30003", "unreachable"));
        h.after(Duration.ofMinutes(10));
        var failed = h.expectSms(PAT, "pagerline: 2 notices: ");
        h.after(PagingHarness.BACKOFF);               // each notice's retry: together again, in the same words
        var again = h.expectSms(PAT, "pagerline: 2 notices: ");
        assertEquals(failed.page().text(), again.page().text());
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();                        // neither notice went again on its own
        assertTrue(notices(jane).stream().allMatch(p -> p.state() == PageState.SENT && p.attempts() == 2),
                notices(jane).toString());
        h.incidents.resolve(jane);
    }

    @Test
    void aDigestWhoseOutcomeIsUnknownIsRetriedItselfAfterAskingTheProvider() {
        long jane = twoNoticesHeldFromJane();
        h.phones.script(Channel.SMS, PAT, SendResult.unknown("no answer from the provider in 10 s"));
        h.after(Duration.ofMinutes(10));
        var first = h.expectSms(PAT, "pagerline: 2 notices: ");   // the phone may have it
        h.after(PagingHarness.BACKOFF);
        var again = h.expectSms(PAT, "pagerline: 2 notices: ");   // the provider had no record: the same page again
        assertEquals(first.page().pageId(), again.page().pageId());
        assertEquals(2, again.page().attempt());
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();                        // never the notices again beside it
        assertEquals(2, h.tx.inTransaction(s -> s.pages().carriedBy(again.page().pageId())).size());
        h.incidents.resolve(jane);
    }

    @Test
    void aNoticeWaitingOutItsRetryBackOffIsNotCarriedEarlyByANewOne() {
        long jane = twoNoticesHeldFromJane();
        h.phones.script(Channel.SMS, PAT, SendResult.temporary("30003", "unreachable"));
        h.after(Duration.ofMinutes(10));
        h.expectSms(PAT, "pagerline: 2 notices: ");   // fails: both wait 30 s for their retry
        h.voicemail(Priority.P3);                     // a new notice at once: it goes, alone
        h.pass();
        var alone = h.expectSms(PAT, "ANOTHER urgent message");
        assertFalse(alone.page().text().contains("notices"), alone.page().text());
        long backingOff = notices(jane).stream().filter(p -> p.state() == PageState.PENDING && p.attempts() == 1
                && p.nextAttemptAt().isAfter(h.clock.instant())).count();
        assertEquals(2, backingOff, "the two keep their back-off: " + notices(jane));
        h.phones.drain();
        h.incidents.resolve(jane);
    }

    @Test
    void aDigestRefusedForGoodLetsItsNoticesFallBackToVoiceAsEachWouldAlone() {
        long jane = twoNoticesHeldFromJane();
        h.phones.script(Channel.SMS, PAT, SendResult.permanent("21610", "recipient sent STOP"));
        h.after(Duration.ofMinutes(10));
        h.expectSms(PAT, "pagerline: 2 notices: ");   // refused for good...
        h.pass();
        h.expectCall(PAT);                            // ...so Pat hears it by voice (one call for the incident's notices)
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();
        h.incidents.resolve(jane);
    }

    @Test
    void aDigestThatCannotGoByAnyChannelLeavesNoNoticeMarkedSent() {
        long jane = twoNoticesHeldFromJane();
        h.phones.script(Channel.SMS, PAT, SendResult.permanent("21610", "recipient sent STOP"));
        h.phones.script(Channel.VOICE, PAT, SendResult.permanent("404", "no such number"));
        h.after(Duration.ofMinutes(10));
        h.expectSms(PAT, "pagerline: 2 notices: ");
        h.pass();
        h.expectCall(PAT);                            // refused too, and texts are off: no channel left
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();
        assertTrue(notices(jane).stream().allMatch(p -> p.state() == PageState.FAILED), notices(jane).toString());
        h.incidents.resolve(jane);
    }
}
