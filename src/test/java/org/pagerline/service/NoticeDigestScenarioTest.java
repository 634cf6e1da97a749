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

    @Test
    void noticesHeldByTheLimitGoAsOneTextWhenThePhoneMayBeTextedAgain() {
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

        h.after(Duration.ofMinutes(10));              // the window has moved past the pages of minute 1
        var digest = h.expectSms(PAT, "pagerline: 3 notices: ");
        String text = digest.page().text();
        assertTrue(text.contains("Jane Doe (Acme) left ANOTHER urgent message") && text.contains("(x2)"), text);
        assertTrue(text.contains("Omar Haddad (Zeta) left ANOTHER urgent message"), text);
        h.expectNothingElse();                        // one text, not three
        List<Page> all = new java.util.ArrayList<>(notices(jane));
        all.addAll(notices(omar));
        assertTrue(all.stream().allMatch(p -> p.state() == PageState.SENT), all.toString());
        assertEquals(2, h.tx.inTransaction(s -> s.pages().carriedBy(digest.page().pageId())).size());
        assertTrue(h.incidents.show(omar).timeline().stream().anyMatch(e -> e.kind().equals("PAGE_BUNDLED")
                && e.detail().contains("one text for 3 notices")), "the carried notice says where it went");

        h.voicemail(Priority.P3);                     // the digest counted as ONE message: the next notice goes at once
        h.pass();
        var next = h.expectSms(PAT, "ANOTHER urgent message");
        assertFalse(next.page().text().contains("notices"), next.page().text());
        h.incidents.resolve(jane);
        h.incidents.resolve(omar);
    }

    @Test
    void aDigestThatFailsIsSentAgainInTheSameWordsNeverAsSeparateTexts() {
        long jane = janeTakenByPat();
        h.voicemail(Priority.P3);
        h.voicemail(Priority.P3);
        h.pass();
        h.phones.script(Channel.SMS, PAT, SendResult.temporary("30003", "unreachable"));
        h.after(Duration.ofMinutes(10));
        var failed = h.expectSms(PAT, "pagerline: 2 notices: ");
        h.after(PagingHarness.BACKOFF);               // its retry: the same text, with the notice it carries
        var again = h.expectSms(PAT, "pagerline: 2 notices: ");
        assertEquals(failed.page().text(), again.page().text());
        assertEquals(failed.page().pageId(), again.page().pageId());
        assertEquals(2, again.page().attempt());
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();                        // neither notice went again on its own
        assertTrue(notices(jane).stream().allMatch(p -> p.state() == PageState.SENT), notices(jane).toString());
        h.incidents.resolve(jane);
    }

    @Test
    void aDigestTheProviderRefusesForGoodIsSaidByVoiceOnce() {
        long jane = janeTakenByPat();
        h.voicemail(Priority.P3);
        h.voicemail(Priority.P3);
        h.pass();
        h.phones.script(Channel.SMS, PAT, SendResult.permanent("21610", "recipient sent STOP"));
        h.after(Duration.ofMinutes(10));
        h.expectSms(PAT, "pagerline: 2 notices: ");   // refused for good...
        h.pass();
        var call = h.expectCall(PAT);                 // ...so the same words go by voice, once
        assertTrue(call.page().text().startsWith("pagerline: 2 notices: "), call.page().text());
        assertEquals(1, h.tx.inTransaction(s -> s.pages().carriedBy(call.page().pageId())).size(),
                "the call carries the other notice");
        h.after(Duration.ofMinutes(5));
        h.expectNothingElse();
        h.incidents.resolve(jane);
    }

    @Test
    void aDigestThatCannotGoByAnyChannelLetsItsNoticesGoAgain() {
        long jane = janeTakenByPat();
        h.voicemail(Priority.P3);
        h.voicemail(Priority.P3);
        h.pass();
        h.phones.script(Channel.SMS, PAT, SendResult.permanent("21610", "recipient sent STOP"));
        h.phones.script(Channel.VOICE, PAT, SendResult.permanent("404", "no such number"));
        h.after(Duration.ofMinutes(10));
        long digest = h.expectSms(PAT, "pagerline: 2 notices: ").page().pageId();
        h.pass();
        h.expectCall(PAT);                            // refused too, and texts are off: no channel left
        List<Page> mine = notices(jane);
        assertEquals(PageState.FAILED, mine.stream().filter(p -> p.id() == digest).findFirst().orElseThrow().state());
        assertTrue(mine.stream().anyMatch(p -> p.id() != digest && p.channel() == Channel.SMS
                && p.state() == PageState.PENDING), "the notice it carried is not left as sent: " + mine);
        h.phones.drain();
        h.incidents.resolve(jane);
    }
}
