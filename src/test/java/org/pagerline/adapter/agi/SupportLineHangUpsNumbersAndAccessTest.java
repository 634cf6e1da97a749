package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.cli.simulate.AgiPeer;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.CallerScript.QueueEnd;
import org.pagerline.cli.simulate.CallerScript.Technician;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.TicketService;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.LineRig;

/**
 * The support line when callers hang up early, give awkward or refused numbers, or call from
 * outside the allow list, and while the server stops: through the real FastAGI listener and a
 * fake Asterisk over TCP. Monday 2026-11-23 10:00 Winnipeg is in
 * business hours, 21:00 is not; the desk's default hours are Monday to Friday 08:00-17:00.
 */
class SupportLineHangUpsNumbersAndAccessTest {
    static final String IN_HOURS = "2026-11-23T10:00:00-06:00";
    static final String OUT_OF_HOURS = "2026-11-23T21:00:00-06:00";
    static final String CALLER = "+12045550123";
    LineRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    TicketService.TicketView ticketOf(Conversation c) {
        return rig.tickets.show(Long.parseLong(c.variable("PAGERLINE_TICKET")));
    }

    static String timeline(TicketService.TicketView v) {
        StringBuilder b = new StringBuilder();
        v.events().forEach(e -> b.append(e.kind()).append(": ").append(e.detail()).append('\n'));
        return b.toString();
    }

    // --- 4: the out-of-hours caller hears the hours --------------------------------------------

    @Test
    void outOfHoursCallerHearsTheBusinessHoursSpoken() {
        rig = LineRig.at(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2", "1", "1"));
        List<String> files = c.soundFiles();
        int closed = files.indexOf("pagerline/closed");
        assertTrue(closed >= 0, files.toString());
        assertEquals(List.of("digits/day-1", "pagerline/hours-to", "digits/day-5", // Monday to Friday
                "digits/8", "digits/a-m", "pagerline/hours-to", "digits/5", "digits/p-m", // 8 AM to 5 PM
                "pagerline/after-hours-menu"), files.subList(closed + 1, closed + 10), files.toString());
    }

    // --- 15: urgent caller gone before the message ----------------------------------------------

    @Test
    void urgentCallerWhoHangsUpBeforeTheMessageIsPagedAllTheSame() {
        rig = LineRig.at(OUT_OF_HOURS); // nobody on call: straight to the message
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "2").hangingUpAt("callback"));

        assertTrue(c.callerHungUp());
        assertEquals(1, rig.incidents.opened().size(), "the incident is opened with no recording");
        VoicemailIncident inc = rig.incidents.opened().get(0);
        assertEquals(Priority.P2, inc.priority());
        assertNull(inc.recording());
        assertEquals(CALLER, inc.callbackNumber(), "call-back = caller ID");
        TicketService.TicketView t = ticketOf(c);
        assertEquals(CALLER, t.ticket().callbackNumber());
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("NO_MESSAGE")
                && e.detail().contains("hung up before leaving a message")), timeline(t));
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("HUNG_UP") && e.detail().endsWith("during callback")));
        assertEquals(CallOutcome.HUNG_UP, rig.calls.find(Long.parseLong(c.variable("PAGERLINE_CALL"))).orElseThrow().outcome());
    }

    @Test
    void urgentCallerWhoCallsAgainAndHangsUpJoinsTheIncidentWithoutANewCallBackDeadline() {
        rig = LineRig.at(OUT_OF_HOURS);
        Ticket first = rig.tickets.openOrReuse(org.pagerline.core.ticket.TicketSource.PHONE, CALLER, "Jane Doe", "Acme",
                rig.config.ticketReuseWindow());
        org.pagerline.service.IncidentService real = new org.pagerline.service.IncidentService(rig.tx, rig.clock,
                Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
        long incident = real.openFromVoicemail(new VoicemailIncident(first.id(), Priority.P2, CALLER, "Jane Doe", "Acme",
                CALLER, "/var/spool/asterisk/pagerline/ticket-1-call-1", rig.clock.instant()));
        rig.clock.advance(Duration.ofMinutes(10));       // the first message's 30-minute promise still runs

        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "2").hangingUpAt("callback"));

        assertTrue(c.callerHungUp());
        TicketService.TicketView t = ticketOf(c);
        assertEquals(first.id(), t.ticket().id(), "the same ticket");
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("NO_MESSAGE")), timeline(t));
        assertFalse(t.events().stream().anyMatch(e -> e.kind().equals("CALLBACK_DUE")),
                "the incident's call-back deadline stands; no second promise:\n" + timeline(t));
        assertFalse(t.events().stream().anyMatch(e -> e.kind().equals("PAGING_WITHOUT_MESSAGE")),
                "incident " + incident + " keeps paging with the first message:\n" + timeline(t));
        assertEquals(1, rig.incidents.opened().size(), "handed to the incident service, which joins it");
    }

    @Test
    void aSecondUrgentMessageThatOpensANewIncidentIsPromisedItsOwnCallBack() {
        rig = LineRig.at(OUT_OF_HOURS);
        Ticket first = rig.tickets.openOrReuse(org.pagerline.core.ticket.TicketSource.PHONE, CALLER, "Jane Doe", "Acme",
                rig.config.ticketReuseWindow());
        new org.pagerline.service.IncidentService(rig.tx, rig.clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { })
                .openFromVoicemail(new VoicemailIncident(first.id(), Priority.P2, CALLER, "Jane Doe", "Acme", CALLER,
                        "/var/spool/asterisk/pagerline/ticket-1-call-1", rig.clock.instant()));
        rig.clock.advance(Duration.ofMinutes(10));
        // read as awaiting its call-back, then called back by a technician before her new message joins it
        rig.incidents.incidentsStopAwaiting();

        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "2", "1"));

        TicketService.TicketView t = ticketOf(c);
        assertEquals(first.id(), t.ticket().id(), "the same ticket");
        assertEquals(1, rig.incidents.opened().size(), "a new incident");
        assertTrue(t.events().stream().anyMatch(e -> e.kind().equals("CALLBACK_DUE")),
                "the new incident's 30-minute promise is on the ticket:\n" + timeline(t));
    }

    @Test
    void urgentCallerWhoHangsUpWhileThePrimaryRingsIsPagedButWithheldCallerIdGivesNoCallBack() {
        rig = LineRig.at(IN_HOURS);
        rig.primary("Alice Tech", "+12045550100");
        rig.asterisk.call("", CallerScript.pressing("1", "1").hangingUpAt("ringing").technician(Technician.NOANSWER));
        assertEquals(1, rig.incidents.opened().size());
        assertNull(rig.incidents.opened().get(0).callbackNumber());
        assertEquals(Priority.P1, rig.incidents.opened().get(0).priority());
    }

    @Test
    void aNotUrgentCallerWhoHangsUpIsNotPaged() {
        rig = LineRig.at(OUT_OF_HOURS);
        rig.asterisk.call(CALLER, CallerScript.pressing("2", "1").hangingUpAt("callback"));
        assertTrue(rig.incidents.opened().isEmpty());
    }

    // --- 14: no premium-rate or foreign call-backs ----------------------------------------------

    @Test
    void aPremiumRateCallBackNumberIsRefusedAndTheCallerAskedAgain() {
        rig = LineRig.at(OUT_OF_HOURS);
        // withheld caller ID; keys a US 900 number, then a UK number, then a Winnipeg one
        Conversation c = rig.asterisk.call("", CallerScript.pressing("1", "1", "9002345678", "011442079460000",
                "2045550177"));
        assertEquals(2, c.soundFiles().stream().filter("pagerline/callback-refused"::equals).count(), c.soundFiles().toString());
        TicketService.TicketView t = ticketOf(c);
        assertEquals("+12045550177", t.ticket().callbackNumber(), timeline(t));
        List<String> refused = t.events().stream().filter(e -> e.kind().equals("CALLBACK_REFUSED")).map(TicketEvent::detail).toList();
        assertTrue(refused.get(0).contains("+19002345678 is a premium-rate number"), refused.toString());
        assertTrue(refused.get(1).contains("GB, outside the call-back regions"), refused.toString());
        assertEquals("+12045550177", rig.incidents.opened().get(0).callbackNumber());
    }

    @Test
    void threeNumbersNobodyCanCallAfterTurningDownTheCallerIdAreToldTheCallerIdIsKeptAndAskedToSayTheirs() {
        rig = LineRig.at(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("1", "1", "2", "12", "345", "6789"));
        List<String> heard = c.soundFiles();
        int sayIt = heard.indexOf("pagerline/callback-say-it");
        assertTrue(sayIt > 0 && heard.get(sayIt - 1).equals("pagerline/callback-is")
                && sayIt < heard.indexOf("pagerline/record-after-tone"), heard.toString());
        TicketService.TicketView t = ticketOf(c);
        assertEquals(CALLER, t.ticket().callbackNumber(), timeline(t));
        assertTrue(timeline(t).contains("asked to say the right one in the message"), timeline(t));
    }

    @Test
    void aWithheldUrgentCallerWhoHangsUpAtTheConfirmIsPagedOnTheNumberTheyKeyed() {
        rig = LineRig.at(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call("", CallerScript.pressing("1", "1", "2045550177", CallerScript.HANG_UP_HERE));
        assertTrue(c.soundFiles().contains("pagerline/callback-is"), c.soundFiles().toString());
        assertEquals("+12045550177", rig.incidents.opened().get(0).callbackNumber(),
                "paged on the number they keyed, not with none");
    }

    @Test
    void aWithheldCallerWhoKeysNoValidNumberIsAskedToSayOneInTheMessage() {
        rig = LineRig.at(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call("", CallerScript.pressing("1", "1", "12", "345", "6789"));
        assertTrue(c.soundFiles().indexOf("pagerline/callback-none") >= 0
                && c.soundFiles().indexOf("pagerline/callback-none") < c.soundFiles().indexOf("pagerline/record-after-tone"),
                c.soundFiles().toString());
        assertEquals(null, ticketOf(c).ticket().callbackNumber());
    }

    @Test
    void aCallerIdOutsideTheRegionsIsNotOfferedAsTheCallBack() {
        rig = LineRig.at(OUT_OF_HOURS);
        Conversation c = rig.asterisk.call("+442079460000", CallerScript.pressing("1", "1", "2045550177", "1"));
        // asked for a number first: the caller ID is never offered; the keyed number is read back and confirmed
        List<String> heard = c.soundFiles();
        assertTrue(heard.indexOf("pagerline/callback-enter") >= 0
                && heard.indexOf("pagerline/callback-enter") < heard.indexOf("pagerline/callback-confirm"), heard.toString());
        assertEquals(1, heard.stream().filter("pagerline/callback-confirm"::equals).count(), heard.toString());
        assertEquals("+12045550177", ticketOf(c).ticket().callbackNumber());
    }

    // --- 9: caller ID that does not fit ----------------------------------------------------------

    @Test
    void aLongOrGarbledCallerIdStillGetsATicket() {
        rig = LineRig.at(IN_HOURS);
        String number = "12045550123" + "9".repeat(300);
        String name = "Mallory \u0007\u0001" + "x".repeat(5000);
        Conversation c = AgiPeer.run(new AgiPeer.Call("127.0.0.1", rig.port, "support-line", number, name,
                rig.asterisk.nextUniqueId(), List.of(), CallerScript.pressing("2").queue(QueueEnd.ANSWERED),
                Duration.ofSeconds(10)));
        assertEquals("QUEUE_ANSWERED", c.variable("PAGERLINE_RESULT"), String.join("\n", c.transcript()));
        Ticket t = ticketOf(c).ticket();
        assertTrue(t.callerNumber().length() <= 40, t.callerNumber());
        assertTrue(t.callerName().length() <= 200 && t.callerName().startsWith("Mallory x"), t.callerName());
        assertFalse(t.callerName().chars().anyMatch(Character::isISOControl));
    }

    // --- 13: FastAGI peers outside agi.allow ----------------------------------------------------

    @Test
    void aPeerOutsideTheAllowListIsCutOffBeforeAnyScriptRuns() {
        rig = LineRig.withAgi(IN_HOURS, Map.of("agi.allow", "10.0.0.0/8, 192.0.2.7"));
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        assertTrue(c.commands().isEmpty(), "no script ran: " + c.commands());
        assertNull(c.variable("PAGERLINE_TICKET"));
        assertTrue(rig.tickets.list(10).isEmpty(), "nothing written for a refused peer");
    }

    @Test
    void anAllowListNamingLoopbackLetsTheCallIn() {
        rig = LineRig.withAgi(IN_HOURS, Map.of("agi.allow", "10.0.0.0/8,127.0.0.1"));
        Conversation c = rig.asterisk.call(CALLER, CallerScript.pressing("2").queue(QueueEnd.ANSWERED));
        assertEquals("QUEUE_ANSWERED", c.variable("PAGERLINE_RESULT"));
    }

    // --- 8: shutdown waits for live calls -------------------------------------------------------

    @Test
    void shutdownWaitsForALiveCallBeforeLettingTheDatabaseGo() throws Exception {
        rig = LineRig.withAgi(IN_HOURS, Map.of("agi.drain-time", "20s"));
        CountDownLatch inQueue = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Conversation> call = CompletableFuture.supplyAsync(() -> rig.asterisk.call(CALLER,
                CallerScript.pressing("2").queue(QueueEnd.ANSWERED).holding(() -> {
                    inQueue.countDown();
                    await(release);
                })));
        assertTrue(inQueue.await(10, TimeUnit.SECONDS), "the caller reached the queue");
        Thread closer = new Thread(rig.listener::close, "test-close");
        closer.start();
        closer.join(700);
        assertTrue(closer.isAlive(), "close() returned while a call was still live");
        release.countDown();
        closer.join(15_000);
        assertFalse(closer.isAlive(), "close() returned once the call ended");
        Conversation c = call.get(10, TimeUnit.SECONDS);
        assertEquals("QUEUE_ANSWERED", c.variable("PAGERLINE_RESULT"));
        // the call's ending was written while the database was still open
        assertEquals(CallOutcome.ANSWERED_IN_QUEUE, rig.calls.find(Long.parseLong(c.variable("PAGERLINE_CALL")))
                .orElseThrow().outcome());
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
