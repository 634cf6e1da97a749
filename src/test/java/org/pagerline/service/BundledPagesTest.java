package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Channel;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PagingHarness;
import org.pagerline.testkit.StatementCounts;

/** Several open incidents for one phone go out as one page; "aa" and key 9 take all of that page. */
class BundledPagesTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    private long voicemail(String caller, String company, Priority p) {
        var t = h.tickets.openOrReuse(org.pagerline.core.ticket.TicketSource.PHONE, caller, "Someone", company,
                Duration.ofHours(1));
        return h.incidents.openFromVoicemail(new VoicemailIncident(t.id(), p, caller, "Someone", company, caller,
                "/var/spool/asterisk/voicemail/urgent/" + company, h.clock.instant()));
    }

    private IncidentState state(long id) {
        return h.incidents.show(id).incident().state();
    }

    @Test
    void aaTakesEveryIncidentOfTheBundleAsOfThatPageAndNotOneThatCameAfter() {
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        long zeta = voicemail("+12045557002", "Zeta", Priority.P2);
        h.pass();
        for (String phone : java.util.List.of(PAT, SAM)) {
            h.expectSms(phone, "pagerline: 2 urgent incidents: " + acme + " Acme P1, " + zeta + " Zeta P2; reply " + acme
                    + "a, or aa to take all.");
            h.expectCall(phone);
        }
        h.clock.advance(Duration.ofSeconds(5));
        long initech = voicemail("+12045557003", "Initech", Priority.P3);   // after the bundle: held for the gap
        h.pass();
        h.expectNothingElse();

        String answer = h.sms(PAT, "aa");
        assertTrue(answer.startsWith("pagerline: 2 incidents yours: " + acme + " Someone (Acme) on +12045557001; " + zeta),
                answer);
        assertEquals(IncidentState.ACKNOWLEDGED, state(acme));
        assertEquals(IncidentState.ACKNOWLEDGED, state(zeta));
        assertEquals(IncidentState.OPEN, state(initech), "not in the page Pat answered");
        h.pass();
        // Sam hears at once who took both, in one text that also carries the incident still open
        var sam = h.expectSms(SAM, "Pat took incidents " + acme + ", " + zeta + " (no action needed)");
        assertTrue(sam.page().text().contains("Reply " + initech + "a"), sam.page().text());
        h.after(Duration.ofSeconds(25));                    // 30 s after the bundle: Initech reaches Pat
        h.expectSms(PAT, "Reply " + initech + "a");
        h.after(Duration.ofSeconds(30));                    // and the calls, 60 s after the first ones
        h.expectCall(PAT);
        h.expectCall(SAM);

        String again = h.sms(PAT, "aa");                    // the newest page to Pat is now Initech's alone
        assertTrue(again.contains("incident yours: " + initech), again);
        h.pass();
        h.expectSms(SAM, "Pat took incident " + initech);
    }

    @Test
    void key9OnABundledPagingCallTakesThemAllAndTheCallSaysHowMany() {
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        long zeta = voicemail("+12045557002", "Zeta", Priority.P2);
        h.pass();
        h.expectSms(PAT, "2 urgent incidents");
        h.expectSms(SAM, "2 urgent incidents");
        long call = h.expectCall(PAT).page().pageId();
        h.expectCall(SAM);
        var brief = h.paging.brief(call).orElseThrow();
        assertEquals(2, brief.waiting());
        assertTrue(brief.spokenIntro().startsWith("Urgent page from pagerline. 2 urgent incidents are waiting for you."
                + " Press 9 at any time to take them all. The first one: Someone (Acme) called"), brief.spokenIntro());

        var out = h.key(call, "9");
        assertTrue(out.hangUp());
        assertTrue(out.say().contains("Incidents " + acme + ", " + zeta + " are yours"), out.say());
        assertEquals(IncidentState.ACKNOWLEDGED, state(acme));
        assertEquals(IncidentState.ACKNOWLEDGED, state(zeta));
        h.pass();
        h.expectSms(SAM, "Pat took incidents " + acme + ", " + zeta);
    }

    @Test
    void key4OnABundledPagingCallTakesOnlyTheOnePlayed() {
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        long zeta = voicemail("+12045557002", "Zeta", Priority.P2);
        h.pass();
        h.expectSms(PAT, "2 urgent incidents");
        h.expectSms(SAM, "2 urgent incidents");
        long call = h.expectCall(PAT).page().pageId();
        h.expectCall(SAM);
        assertTrue(h.key(call, "4").say().contains("Incident " + acme + " is yours"));
        assertEquals(IncidentState.ACKNOWLEDGED, state(acme));
        assertEquals(IncidentState.OPEN, state(zeta));
        h.pass();
        h.expectSms(SAM, "Pat took incident " + acme);
    }

    /**
     * An outage's worth of urgent messages held for one phone goes as one text that fits (1,000
     * characters, well under the carrier's 1,600): the incidents that do not fit are counted, and
     * "aa" still takes them all. Sent whole before, it was over 1,600 characters at about 60
     * incidents, which Twilio refuses.
     */
    @Test
    void aBundleOfManyIncidentsFitsOneTextAndCountsTheRest() {
        long first = voicemail("+12045557001", "Acme", Priority.P1);
        h.pass();
        h.expectPaged(PAT, first);
        h.expectPaged(SAM, first);
        java.util.List<Long> outage = new java.util.ArrayList<>();
        for (int n = 0; n < 80; n++) {
            outage.add(voicemail("+1204556" + (1000 + n), "Northwind Traders branch " + n, Priority.P2));
        }
        h.pass();                                                    // held for the phones' SMS gap
        h.after(org.pagerline.core.page.BundleGaps.defaults().of(Channel.SMS));
        String text = h.expectSms(PAT, "80 urgent incidents: " + outage.get(0) + " Northwind").page().text();
        assertTrue(text.length() <= org.pagerline.core.page.Page.MAX_TEXT, text.length() + ": " + text);
        java.util.regex.Matcher more = java.util.regex.Pattern.compile(", and (\\d+) more on the console; reply "
                + outage.get(0) + "a, or aa to take all\\.$").matcher(text);
        assertTrue(more.find(), text);
        int listed = text.split(" Northwind Traders branch ").length - 1;
        assertEquals(80, listed + Integer.parseInt(more.group(1)), "each incident listed or counted: " + text);
        h.expectSms(SAM, "80 urgent incidents");
        h.after(org.pagerline.core.page.BundleGaps.defaults().of(Channel.VOICE));
        h.expectCall(PAT);
        h.expectCall(SAM);
        String aa = h.sms(PAT, "aa");
        assertTrue(aa.contains("81") || aa.contains("80"), aa);
        for (long id : outage) {
            assertEquals(IncidentState.ACKNOWLEDGED, state(id), "aa took every incident of the text, listed or not");
        }
    }

    @Test
    void eachIncidentOfABundleSaysOnItsTicketThatItsPageWentOut() {
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        long zeta = voicemail("+12045557002", "Zeta", Priority.P2);
        h.pass();
        var sms = h.expectSms(PAT, "2 urgent incidents");
        long carried = sms.page().incidentId() == acme ? zeta : acme;
        var timeline = h.incidents.show(carried).timeline();
        assertTrue(timeline.stream().anyMatch(e -> e.kind().equals("PAGE_SENT")
                && e.detail().equals("SMS to Pat (" + PAT + ") went out inside page " + sms.page().pageId() + ", handed to fake-sms")),
                timeline.toString());
        h.expectSms(SAM, "2 urgent incidents");
        h.expectCall(PAT);
        h.expectCall(SAM);
    }

    @Test
    void aFailedBundleSendsItsIncidentsAgain() {
        h.phones.script(Channel.SMS, PAT, SendResult.temporary("30003", "unreachable"));
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        long zeta = voicemail("+12045557002", "Zeta", Priority.P2);
        h.pass();
        h.expectSms(PAT, "2 urgent incidents");             // refused for now
        h.expectSms(SAM, "2 urgent incidents");
        h.expectCall(PAT);
        h.expectCall(SAM);
        h.after(PagingHarness.BACKOFF);                     // the retry carries both again
        var again = h.expectSms(PAT, "2 urgent incidents: " + acme + " Acme P1, " + zeta + " Zeta P2");
        assertFalse(again.page().text().isEmpty());
    }
    @Test
    void pagesWrittenInsideTheirPhonesBundleGapWaitFromTheStartAndGoAtTheGapsEnd() throws Exception {
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        h.pass();
        java.time.Instant firstSms = h.expectSms(PAT, "Reply " + acme + "a").at();
        h.expectSms(SAM, "Reply " + acme + "a");
        h.expectCall(PAT);
        h.expectCall(SAM);
        java.time.Instant handedOver = h.clock.instant();
        h.clock.advance(Duration.ofSeconds(5));
        try (java.sql.Connection c = h.db.database().dataSource().getConnection()) {
            StatementCounts.start(c);
            long zeta = voicemail("+12045557002", "Zeta", Priority.P2);
            long initech = voicemail("+12045557003", "Initech", Priority.P3);
            h.pass();
            h.expectNothingElse();
            // Zeta's and Initech's four pages each were written waiting for their phone's gap, each told
            // once on its ticket
            var pages = new java.util.ArrayList<>(h.tx.inTransaction(s -> s.pages().forIncident(zeta)));
            pages.addAll(h.tx.inTransaction(s -> s.pages().forIncident(initech)));
            assertEquals(8, pages.size(), pages.toString());
            for (var p : pages) {
                assertEquals(0, p.attempts(), p.toString());
                assertEquals(handedOver.plus(p.channel() == Channel.SMS ? Duration.ofSeconds(30) : Duration.ofSeconds(60)),
                        p.nextAttemptAt(), p.toString());
            }
            var kinds = h.incidents.show(zeta).timeline().stream().map(e -> e.kind())
                    .filter(k -> k.equals("ESCALATED") || k.equals("PAGE_HELD")).toList();
            assertEquals(java.util.List.of("ESCALATED", "PAGE_HELD", "PAGE_HELD", "PAGE_HELD", "PAGE_HELD"), kinds);
            // ... and never claimed only to be put off: the dispatcher rescheduled none of them
            assertEquals(0, StatementCounts.executions(c, "UPDATE pages SET state='PENDING', next_attempt_at=%"), "pages rescheduled");
            // the gap was read once for each phone and channel, not once for each of the eight pages
            assertEquals(4, StatementCounts.executions(c, "SELECT claimed_at%FROM pages WHERE to_number=? AND channel=? AND claimed_at>?%"),
                    "reads of a phone's last urgent hand-over");
            // each incident's step wrote its four pages (two technicians, SMS and voice) in one statement
            assertEquals(2, StatementCounts.executions(c, "INSERT INTO pages %"), "statements inserting the two incidents' eight pages");
            // and whether each phone opted out of texts was read once for the pass, not once for each incident
            assertEquals(2, StatementCounts.executions(c, "SELECT phone FROM sms_opt_outs%"), "reads of Pat's and Sam's opt-outs");
            h.after(Duration.ofSeconds(25));                // the SMS gap is over: both reach Pat and Sam, in one text each
            h.expectSms(PAT, "2 urgent incidents: " + zeta + " Zeta P2, " + initech + " Initech P3");
            h.expectSms(SAM, "2 urgent incidents: " + zeta + " Zeta P2, " + initech + " Initech P3");
            assertEquals(firstSms.plusSeconds(30), h.clock.instant());
        }
    }
    @Test
    void aPhonesGapDoesNotHoldAPageAboutTheIncidentItsLastMessageWasAbout() {
        long acme = voicemail("+12045557001", "Acme", Priority.P1);
        h.pass();
        h.expectSms(PAT, "Reply " + acme + "a");
        h.expectSms(SAM, "Reply " + acme + "a");
        h.expectCall(PAT);
        h.expectCall(SAM);
        java.time.Instant handedOver = h.clock.instant();
        h.clock.advance(Duration.ofSeconds(5));
        java.time.Instant now = h.clock.instant();
        var handOvers = new java.util.HashMap<String, java.util.Optional<org.pagerline.core.page.PageStore.HandOver>>();
        h.tx.inTransaction(s -> {
            PageWriter.Hold gaps = h.engine.dispatcher().gapEnds(s, handOvers);
            // a page about another incident waits for the gap; one about Acme itself is not paced against
            // Acme's own message (asked after the other, from the same answer kept for the pass)
            var aboutOther = org.pagerline.core.page.Page.pending(acme + 1000, 1, null, "Pat", Channel.SMS, PAT,
                    org.pagerline.core.page.PageKind.PAGE, "x", "words", 0, 0, false, now);
            var aboutAcme = org.pagerline.core.page.Page.pending(acme, 1, null, "Pat", Channel.SMS, PAT,
                    org.pagerline.core.page.PageKind.PAGE, "x", "words", 1, 0, false, now);
            assertEquals(java.util.Optional.of(handedOver.plusSeconds(30)), gaps.until(aboutOther, now));
            assertEquals(java.util.Optional.empty(), gaps.until(aboutAcme, now));
            return null;
        });
    }
}
