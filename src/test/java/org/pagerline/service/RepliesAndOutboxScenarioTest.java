package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.LEE;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;
import static org.pagerline.testkit.PagingHarness.VAL;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.incident.IncidentStore;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.PagingHarness;

/**
 * Runbook scenarios for what a bare SMS letter means, a second voicemail, opt-outs reported by the
 * provider, and which pending messages go first or not at all.
 */
class RepliesAndOutboxScenarioTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    private List<String> timeline(PagingHarness on, long incident) {
        return on.incidents.show(incident).timeline().stream().map(e -> e.kind() + ": " + e.detail()).toList();
    }

    /** An urgent voicemail from another caller (so another ticket and another incident). */
    static long voicemailFrom(PagingHarness on, String caller, String name, Priority p) {
        Ticket t = on.tickets.openOrReuse(TicketSource.PHONE, caller, name, "Initech", Duration.ofHours(1));
        return on.incidents.openFromVoicemail(new VoicemailIncident(t.id(), p, caller, name, "Initech", caller,
                "/var/spool/asterisk/voicemail/urgent/" + name, on.clock.instant()));
    }

    // --- #3: a bare letter ---------------------------------------------------------------------

    @Test
    void aBareCIsTheCallBackOnTheIncidentYouTookNotTheNewestOpenOne() {
        long twelve = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, twelve + "a");
        h.pass();
        h.expectSms(SAM, "Pat took incident " + twelve);

        h.clock.advance(Duration.ofMinutes(2));
        long thirteen = voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        h.pass();
        h.expectPaged(PAT, thirteen);
        h.expectPaged(SAM, thirteen);

        String answer = h.sms(PAT, "c");   // Pat called Jane back (incident 12)
        assertTrue(answer.contains("call-back on incident " + twelve + " recorded"), answer);
        assertEquals(IncidentState.CALLED_BACK, h.incidents.show(twelve).incident().state());
        assertEquals(IncidentState.OPEN, h.incidents.show(thirteen).incident().state(), "13 still needs someone");
        h.after(Duration.ofMinutes(5));
        h.expectPaged(LEE, thirteen);                    // and its paging goes on
    }

    /**
     * "a" takes the newest page handed to the sender, not the incident with the highest number: in
     * the second cycle of an older incident, the page Pat is answering is that incident's.
     */
    @Test
    void aBareATakesTheIncidentOfTheNewestPageHandedOverNotTheHighestNumberedOne() {
        long twelve = h.voicemailPagingPatAndSam(Priority.P3);              // 03:00
        h.after(Duration.ofMinutes(3));                                     // 03:03
        long thirteen = voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        h.pass();
        h.expectPaged(PAT, thirteen);
        h.expectPaged(SAM, thirteen);
        h.after(Duration.ofMinutes(2));                                     // 03:05 the team lead, 12
        h.expectPaged(LEE, twelve);
        h.after(Duration.ofMinutes(3));                                     // 03:08 the team lead, 13
        h.expectPaged(LEE, thirteen);
        h.after(Duration.ofMinutes(2));                                     // 03:10 the VP, 12
        h.expectPaged(VAL, twelve);
        h.after(Duration.ofMinutes(3));                                     // 03:13 the VP, 13
        h.expectPaged(VAL, thirteen);
        h.after(Duration.ofMinutes(7));                                     // 03:20 12's second cycle
        h.expectPaged(PAT, twelve);
        h.expectPaged(SAM, twelve);

        String take = h.sms(PAT, "a");                                      // Pat answers the page just received
        assertTrue(take.contains("incident " + twelve + " is yours"), take);
        assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(twelve).incident().state());
        assertEquals(IncidentState.OPEN, h.incidents.show(thirteen).incident().state(), "13 still needs someone");
    }

    @Test
    void aBareCOrEThatCouldMeanTwoIncidentsAsksForTheCodeAndChangesNothing() {
        long twelve = h.voicemail(Priority.P3);
        long thirteen = voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        h.pass();
        for (String phone : List.of(PAT, SAM)) {       // one text and one call each, for both incidents
            h.expectSms(phone, "2 urgent incidents: " + twelve + " Acme P3, " + thirteen + " Initech P3; reply " + twelve
                    + "a, or aa to take all.");
            h.expectCall(phone);
        }
        String pass = h.sms(SAM, "e");
        assertTrue(pass.contains("which incident?") && pass.contains(thirteen + ", " + twelve) && pass.contains(thirteen + "e"),
                pass);
        String take = h.sms(PAT, "a");      // a bare 'a' takes the newest open page, and says which
        assertTrue(take.contains("incident " + thirteen + " is yours"), take);
        h.sms(PAT, twelve + "a");
        h.pass();
        h.expectSms(SAM, "Pat took incidents " + twelve + ", " + thirteen + " (no action needed)");   // one text

        String cb = h.sms(PAT, "c");        // Pat holds both: which one was called back?
        assertTrue(cb.contains("which incident?") && cb.contains(thirteen + "c"), cb);
        assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(twelve).incident().state());
        assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(thirteen).incident().state());
        h.expectNothingElse();
    }

    @Test
    void aBareCAfterTheCallBackConnectedNeverMarksTheNextIncidentCalledBack() {
        long twelve = h.voicemail(Priority.P3);
        h.pass();
        h.expectPaged(PAT, twelve);
        h.expectSms(SAM, "Reply " + twelve + "a");
        h.expectCall(SAM);
        long patsCall = h.incidents.show(twelve).pages().stream()
                .filter(p -> p.to().equals(PAT) && p.channel() == Channel.VOICE).findFirst().orElseThrow().id();
        h.key(patsCall, "1");                // Pat takes 12 on the call and is put through
        h.paging.onConnected(patsCall, true, "ANSWER");
        assertEquals(IncidentState.CALLED_BACK, h.incidents.show(twelve).incident().state());
        h.pass();
        h.expectSms(SAM, "Pat took incident " + twelve);

        h.clock.advance(Duration.ofMinutes(2));
        long thirteen = voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        h.pass();
        h.expectPaged(PAT, thirteen);
        h.expectPaged(SAM, thirteen);

        for (int twice = 0; twice < 2; twice++) {          // habit: "c" once more, or twice
            String answer = h.sms(PAT, "c");
            assertTrue(answer.contains("changes nothing") && answer.contains("incident " + thirteen + " ")
                    && answer.contains("reply " + thirteen + "c"), answer);
            assertEquals(IncidentState.OPEN, h.incidents.show(thirteen).incident().state(), "nobody called John back");
        }
        h.after(Duration.ofMinutes(5));
        h.expectPaged(LEE, thirteen);                     // so its paging goes on
    }

    @Test
    void aBareAIgnoresAnIncidentWhosePageIsStillWaitingToGoOut() {
        try (PagingHarness tight = new PagingHarness(new RateLimit(2, Duration.ofMinutes(5)))) {
            tight.onCall(Role.PRIMARY, "Pat", PAT);
            tight.incidents.setPolicy(List.of("0m PRIMARY"), "30m");
            long twelve = tight.voicemail(Priority.P3);
            tight.pass();
            tight.expectPaged(PAT, twelve);
            tight.clock.advance(Duration.ofSeconds(10));
            long thirteen = voicemailFrom(tight, "+12045558888", "John Roe", Priority.P3);
            tight.pass();                                  // 13's pages to Pat wait for the bundle gap
            assertTrue(tight.incidents.show(thirteen).pages().stream().allMatch(p -> p.state() == PageState.PENDING));

            String take = tight.sms(PAT, "a"); // Pat answers the only page Pat has seen
            assertTrue(take.contains("incident " + twelve + " is yours"), take);
            assertEquals(IncidentState.ACKNOWLEDGED, tight.incidents.show(twelve).incident().state());
            assertEquals(IncidentState.OPEN, tight.incidents.show(thirteen).incident().state());
            tight.after(Duration.ofSeconds(20));           // 30 s after 12's text: 13's text (urgent: the limit
            tight.expectSms(PAT, "Reply " + thirteen + "a"); // of 2 is spent, but it does not hold urgent pages)
            tight.after(Duration.ofSeconds(30));           // 60 s after 12's call: 13's call
            tight.expectCall(PAT);
        }
    }

    // --- #12: a second voicemail ---------------------------------------------------------------

    @Test
    void aSecondUrgentVoicemailUpdatesTheIncidentAndTellsTheOwner() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, id + "a");
        h.pass();
        h.expectSms(SAM, "Pat took");

        h.clock.advance(Duration.ofMinutes(10));
        Ticket t = h.tickets.openOrReuse(TicketSource.PHONE, PagingHarness.CALLER, "Jane Doe", "Acme", Duration.ofHours(1));
        long again = h.incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, PagingHarness.CALLER,
                "Jane Doe", "Acme", "+12045557777", "/var/spool/asterisk/voicemail/urgent/msg0002", h.clock.instant()));
        assertEquals(id, again, "joins the incident being worked");
        h.pass();
        h.expectSms(PAT, "left ANOTHER urgent message (now P1); call back +12045557777");   // only the owner
        var i = h.incidents.show(id).incident();
        assertEquals(Priority.P1, i.priority());
        assertEquals("+12045557777", i.callbackNumber());
        assertEquals("/var/spool/asterisk/voicemail/urgent/msg0002", i.recording(), "the paging call plays the new one");
        assertNotNull(i.respondBy(), "a P1 brings its 2 h respond-by deadline");
        assertEquals(Priority.P1, h.tickets.find(i.ticketId()).priority());
        assertTrue(timeline(h, id).stream().anyMatch(l -> l.startsWith("VOICEMAIL_AGAIN") && l.contains("priority now P1")
                && l.contains("told Pat")), timeline(h, id).toString());
    }

    @Test
    void aSecondVoicemailWhileStillOpenTellsEveryonePagedSoFar() {
        long id = h.voicemailPagingPatAndSam(Priority.P2);
        h.clock.advance(Duration.ofMinutes(1));
        h.voicemail(Priority.P4);                          // a lower priority changes nothing of it
        h.pass();
        h.expectSms(PAT, "left ANOTHER urgent message; call back");
        h.expectSms(SAM, "left ANOTHER urgent message; call back");
        assertEquals(Priority.P2, h.incidents.show(id).incident().priority());
    }

    @Test
    void aCallerWhoCallsAgainWithNoMessageIsToldAsSuchNotAsAnotherMessage() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, id + "a");
        h.pass();
        h.expectSms(SAM, "Pat took incident " + id);

        h.clock.advance(Duration.ofMinutes(10));          // Jane calls again, urgent, and hangs up before the tone
        Ticket t = h.tickets.openOrReuse(TicketSource.PHONE, PagingHarness.CALLER, "Jane Doe", "Acme", Duration.ofHours(1));
        long again = h.incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P3, PagingHarness.CALLER,
                "Jane Doe", "Acme", PagingHarness.CALLER, null, h.clock.instant()));
        assertEquals(id, again);
        h.pass();
        var told = h.expectSms(PAT, "Jane Doe (Acme) called again, urgent, and hung up with no message");
        assertTrue(!told.page().text().contains("ANOTHER urgent message"), told.page().text());
        assertEquals("/var/spool/asterisk/voicemail/urgent/msg0001", h.incidents.show(id).incident().recording(),
                "the paging call still plays the first message");
        assertTrue(timeline(h, id).stream().anyMatch(l -> l.startsWith("VOICEMAIL_AGAIN: another urgent call with no message")),
                timeline(h, id).toString());
    }

    /**
     * The stores of one transaction, except that reading the ticket's incident awaiting a call-back
     * first lets {@code meanwhile} run and commit on another thread: the moment a racing reply lands.
     */
    private static Stores raceAfterIncidentRead(Stores s, Runnable meanwhile) {
        IncidentStore real = s.incidents();
        IncidentStore racing = (IncidentStore) java.lang.reflect.Proxy.newProxyInstance(IncidentStore.class.getClassLoader(),
                new Class<?>[] {IncidentStore.class}, (proxy, m, args) -> {
                    Object r;
                    try {
                        r = m.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (m.getName().equals("awaitingCallbackOnTicket")) {
                        java.util.concurrent.CompletableFuture.runAsync(meanwhile).get(10, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    return r;
                });
        return (Stores) java.lang.reflect.Proxy.newProxyInstance(Stores.class.getClassLoader(), new Class<?>[] {Stores.class},
                (proxy, m, args) -> m.getName().equals("incidents") ? racing : m.invoke(s, args));
    }

    @Test
    void aSecondVoicemailRacingTheCallBackOpensANewIncidentInsteadOfJoiningTheClosedOne() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, id + "a");
        h.pass();
        h.expectSms(SAM, "Pat took incident " + id);

        h.clock.advance(Duration.ofMinutes(10));          // Jane leaves another message as Pat texts "12c"
        Ticket t = h.tickets.openOrReuse(TicketSource.PHONE, PagingHarness.CALLER, "Jane Doe", "Acme", Duration.ofHours(1));
        VoicemailIncident again = new VoicemailIncident(t.id(), Priority.P2, PagingHarness.CALLER, "Jane Doe", "Acme",
                PagingHarness.CALLER, "/var/spool/asterisk/voicemail/urgent/msg0002", h.clock.instant());
        long joined = h.tx.inTransaction(s -> h.incidents.openFromVoicemail(
                raceAfterIncidentRead(s, () -> h.sms(PAT, id + "c")), again));

        assertEquals(IncidentState.CALLED_BACK, h.incidents.show(id).incident().state());
        assertTrue(joined != id, "the new message must not join an incident already called back");
        assertEquals(IncidentState.OPEN, h.incidents.show(joined).incident().state());
        assertEquals("/var/spool/asterisk/voicemail/urgent/msg0001", h.incidents.show(id).incident().recording());
        h.pass();
        h.expectPaged(PAT, joined);                        // somebody is paged for the new message
        h.expectPaged(SAM, joined);
    }

    // --- #17: pages before notices under the rate limit ------------------------------------------

    @Test
    void underTheRateLimitANewPageGoesBeforeOlderNotices() {
        try (PagingHarness tight = new PagingHarness(new RateLimit(2, Duration.ofMinutes(10)))) {
            tight.onCall(Role.PRIMARY, "Pat", PAT);
            tight.incidents.setPolicy(List.of("0m PRIMARY"), "1h");
            long id = tight.voicemail(Priority.P3);
            // two notices to Pat's phone were already waiting (due a minute ago) when the page was written
            tight.tx.run(s -> {
                var i = s.incidents().find(id).orElseThrow();
                for (int n = 1; n <= 2; n++) {
                    s.pages().insert(Page.pending(id, i.ticketId(), null, "Pat", Channel.SMS, PAT, PageKind.NOTICE,
                            Long.toString(id), "older notice " + n, Page.OTHER_STEP, 0, false,
                            tight.clock.instant().minus(Duration.ofMinutes(1))));
                }
            });
            tight.pass();
            tight.expectPaged(PAT, id);                    // the page, at once: the notices wait their turn
            tight.clock.advance(Duration.ofMinutes(10));
            tight.pass();
            tight.expectSms(PAT, "2 notices: older notice 1 | older notice 2");   // one text for both
            tight.incidents.resolve(id);
        }
    }

    // --- #18: the provider says the phone opted out --------------------------------------------

    @Test
    void anSmsRefusedBecauseThePhoneOptedOutIsRecordedAsAnOptOut() {
        h.phones.script(Channel.SMS, SAM, SendResult.permanent(SendResult.OPTED_OUT, "Twilio error 21610: unsubscribed"));
        long id = h.voicemail(Priority.P3);
        h.pass();
        h.expectPaged(PAT, id);
        h.expectSms(SAM, id + "a");                        // refused: Sam texted STOP to the provider
        h.expectCall(SAM);                                 // the call in the same step stands
        assertTrue(timeline(h, id).stream().anyMatch(l -> l.startsWith("SMS_OPTED_OUT") && l.contains(SAM)),
                timeline(h, id).toString());

        h.after(Duration.ofMinutes(20));                   // the next cycle: Sam by voice only, no text to bounce
        h.expectPaged(LEE, id);
        h.expectPaged(PagingHarness.VAL, id);
        h.expectPaged(PAT, id);
        h.expectCall(SAM);
        assertTrue(h.sms(SAM, "START").contains("texts to this phone are back on"));
    }

    // --- #20: nothing pending goes out once the caller is called back ---------------------------

    @Test
    void aLateNoticeHeldByTheRateLimitIsCancelledByTheCallBack() {
        try (PagingHarness tight = new PagingHarness(new RateLimit(2, Duration.ofMinutes(5)))) {
            tight.onCall(Role.PRIMARY, "Pat", PAT);
            tight.incidents.setPolicy(List.of("0m PRIMARY"), "9m");
            long id = tight.voicemail(Priority.P3);
            tight.pass();
            tight.expectPaged(PAT, id);
            for (int cycle = 1; cycle <= 3; cycle++) {     // paged again at 9, 18 and 27 minutes
                tight.after(Duration.ofMinutes(9));
                tight.expectPaged(PAT, id);
            }
            tight.clock.advance(Duration.ofMinutes(1));
            tight.sms(PAT, "a");             // 28 min: Pat takes it
            tight.after(Duration.ofMinutes(2));            // 30 min: the late call-back notice, held by the limit
            Page late = tight.incidents.show(id).pages().stream()
                    .filter(p -> p.kind() == PageKind.NOTICE && p.state() == PageState.PENDING).findFirst().orElseThrow();
            assertTrue(late.text().contains("LATE"), late.text());

            String cb = tight.sms(PAT, "c");  // 30 min: Pat has called back
            assertTrue(cb.contains("recorded"), cb);
            tight.after(Duration.ofMinutes(10));           // the held notice never goes
            assertEquals(PageState.CANCELLED, tight.incidents.show(id).pages().stream()
                    .filter(p -> p.id() == late.id()).findFirst().orElseThrow().state());
            assertTrue(timeline(tight, id).stream().anyMatch(l -> l.startsWith("CALLED_BACK")
                    && l.contains("1 pending page(s) and notice(s) cancelled")), timeline(tight, id).toString());
        }
    }

    @Test
    void theWhoTookItNoticeStillGoesWhenTheCallBackFollowsAtOnce() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        h.sms(PAT, id + "a");
        h.sms(PAT, id + "c");                 // before the engine ran: the notice to Sam is pending
        h.pass();
        h.expectSms(SAM, "Pat took incident " + id);
        h.incidents.resolve(id);
        h.after(Duration.ofHours(1));
    }
}
