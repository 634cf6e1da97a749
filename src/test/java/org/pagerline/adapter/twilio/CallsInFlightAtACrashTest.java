package org.pagerline.adapter.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.BundleGaps;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.SendResult;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.NamedPageChannel;
import org.pagerline.testkit.PagingHarness;

/**
 * A node dies while several paging calls to one phone are in flight: some reached Twilio, some did
 * not. A call carries nothing of its page in Twilio's list, so the node that carries on cannot tell
 * whose call is whose; it must place the call again rather than take another page's call for this
 * one (that page would be marked sent and never ring). Twilio here is the fake, the channels and
 * the dispatcher are the real ones, on one clock.
 */
class CallsInFlightAtACrashTest {
    private static final Pattern PAGE = Pattern.compile("page=(\\d+)");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    final PagingHarness h = new PagingHarness().withDefaultRoster();
    final TwilioFixture f;
    final CountDownLatch killed = new CountDownLatch(1);
    final List<ExecutorService> pools = new ArrayList<>();

    CallsInFlightAtACrashTest() throws Exception {
        f = new TwilioFixture();
        f.twilio.clock(h.clock::instant);
    }

    @AfterEach
    void close() {
        killed.countDown();
        pools.forEach(ExecutorService::shutdownNow);
        f.close();
        h.close();
    }

    /** A live node's dispatcher: it waits for its hand-overs (Twilio answers at once) before writing them. */
    private PageDispatcher dispatcher(Map<Channel, PageChannel> channels) {
        return dispatcher(channels, Duration.ofSeconds(10));
    }

    private PageDispatcher dispatcher(Map<Channel, PageChannel> channels, Duration passWait) {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        pools.add(senders);
        return new PageDispatcher(h.tx, h.clock, channels, new RateLimit(100, Duration.ofMinutes(10)),
                new DeliveryPolicy(PagingHarness.BACKOFF, Duration.ofMinutes(5), 3), SEND_TIMEOUT, senders,
                passWait).withBundleGaps(new BundleGaps(Duration.ZERO, Duration.ZERO));
    }

    /** What becomes of a call the dying node hands over. */
    enum Fate {
        /** Twilio creates it; the node hangs until it is killed, the answer never written. */
        REACHES_AND_HANGS,
        /** The node hangs before the request leaves it. */
        HANGS,
        /** Twilio creates it, but its answer comes too late: an unknown outcome. */
        REACHES_THEN_TIMES_OUT,
        /** The request never reaches Twilio, and the node gets no answer: an unknown outcome. */
        TIMES_OUT
    }

    /** The node that dies, waiting only 300 ms for its hung hand-overs: its texts go; its calls meet {@code fate}. */
    private PageDispatcher dyingNode(java.util.function.Function<OutgoingPage, Fate> fate) {
        return dispatcher(twilioCallsBy(page -> {
            Fate it = fate.apply(page);
            if (it == Fate.REACHES_AND_HANGS || it == Fate.REACHES_THEN_TIMES_OUT) {
                f.voice.send(page);   // Twilio creates the call
            }
            if (it == Fate.REACHES_THEN_TIMES_OUT || it == Fate.TIMES_OUT) {
                return SendResult.unknown("read timed out");
            }
            try {
                killed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the node was killed");
        }), Duration.ofMillis(300));
    }

    /** A live node whose calls to Pat time out without reaching Twilio (unknown outcomes); the rest go. */
    private Map<Channel, PageChannel> patCallsTimeOut() {
        return twilioCallsBy(page -> page.to().equals(PagingHarness.PAT) ? SendResult.unknown("read timed out")
                : f.voice.send(page));
    }

    /** Twilio's SMS channel, and a voice channel named as Twilio's whose hand-overs {@code send} plays. */
    private Map<Channel, PageChannel> twilioCallsBy(java.util.function.Function<OutgoingPage, SendResult> send) {
        Map<Channel, PageChannel> m = twilio();
        m.put(Channel.VOICE, new NamedPageChannel(Channel.VOICE, "twilio-voice") {
            @Override
            public SendResult send(OutgoingPage page) {
                return send.apply(page);
            }
        });
        return m;
    }

    private Map<Channel, PageChannel> twilio() {
        Map<Channel, PageChannel> m = new EnumMap<>(Channel.class);
        m.put(Channel.SMS, f.sms);
        m.put(Channel.VOICE, f.voice);
        return m;
    }

    @Test
    void callsToOnePhoneAreHandedOverOneAtATimeSoACrashLeavesAtMostOneInFlight() {
        voicemail("+12045559001");
        voicemail("+12045559002");
        try (EscalationEngine dying = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30),
                dyingNode(p -> Fate.REACHES_AND_HANGS))) {
            dying.runDue();
            // the hung senders' requests are on their way: wait for both first calls, then make sure no third comes
            Eventually.await(Duration.ofSeconds(10), "the first calls to Pat and Sam", () -> calls().size() >= 2);
            dying.runDue();
        }
        assertEquals(1, count("SELECT COUNT(*) FROM pages WHERE channel='VOICE' AND state='SENDING' AND to_number=?",
                PagingHarness.PAT), "one call to Pat in flight");
        Map<String, Integer> perPhone = new TreeMap<>();
        f.twilio.requests().stream().filter(r -> r.kind().equals("Calls")).forEach(r -> perPhone.merge(r.to(), 1, Integer::sum));
        assertEquals(Map.of(PagingHarness.PAT, 1, PagingHarness.SAM, 1), perPhone,
                "while a call to a phone hangs, the second incident's call to it waits");
    }

    @Test
    void aHungCallHoldsItsPhoneUntilItIsLookedUpSoEachIncidentsCallRingsOnce() {
        long first = voicemail("+12045559001");
        long second = voicemail("+12045559002");
        try (EscalationEngine dying = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30),
                dyingNode(p -> Fate.REACHES_AND_HANGS))) {
            dying.runDue();
            Eventually.await(Duration.ofSeconds(10), "the first calls to Pat and Sam", () -> calls().size() >= 2);
            h.clock.advance(Duration.ofSeconds(1));   // past the dying node's 300 ms pass wait: those calls are hung
            dying.runDue();
        }
        assertEquals(1, count("SELECT COUNT(*) FROM pages WHERE channel='VOICE' AND state='SENDING' AND to_number=?",
                PagingHarness.PAT), "the second incident's call to Pat waits while the first one's outcome is unknown");
        assertEquals(2, calls().size(), calls().toString());

        h.clock.advance(SEND_TIMEOUT.plusSeconds(1));
        dispatcher(twilio()).dispatchDue();   // a live node looks the hung calls up, then places the waiting ones

        Map<Long, List<String>> byPage = everyCallRangForItsOwnPage(List.of(first, second));
        assertTrue(byPage.values().stream().allMatch(own -> own.size() == 1), "each call placed once: " + byPage);
        assertEquals(4, byPage.size(), byPage.toString());
    }

    @Test
    void aTimedOutCallThatReachedTwilioIsNotTakenForTheHungCallThatDidNot() {
        long first = voicemail("+12045559001");
        long second = voicemail("+12045559002");
        // the first incident's call to Pat reaches Twilio but times out (retried later, asking first); the second
        // incident's call to Pat then hangs before reaching Twilio, and the node dies
        try (EscalationEngine dying = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), dyingNode(p ->
                !p.to().equals(PagingHarness.PAT) ? Fate.REACHES_AND_HANGS
                        : p.incidentId() == first ? Fate.REACHES_THEN_TIMES_OUT : Fate.HANGS))) {
            dying.runDue();
            Eventually.await(Duration.ofSeconds(10), "the second incident's call to Pat claimed", () -> count(
                    "SELECT COUNT(*) FROM pages WHERE channel='VOICE' AND state='SENDING' AND to_number=?", PagingHarness.PAT) == 1);
        }
        assertEquals(1, calls().get(voicePage(first, PagingHarness.PAT).id()).size(), calls().toString());

        h.clock.advance(SEND_TIMEOUT.plusSeconds(1));
        dispatcher(twilio()).dispatchDue();

        Map<Long, List<String>> byPage = everyCallRangForItsOwnPage(List.of(first, second));
        assertEquals(1, byPage.get(voicePage(second, PagingHarness.PAT).id()).size(), byPage.toString());
    }

    @Test
    void aRetryWhoseOutcomeIsUnknownIsNotTakenForThePagesOwnEarlierCall() {
        Map<Channel, PageChannel> patTimesOut = patCallsTimeOut();
        long first = voicemail("+12045559001");
        PageDispatcher healthy = dispatcher(twilio());
        try (EscalationEngine e = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), healthy)) {
            e.runDue();
        }
        Page toPat = voicePage(first, PagingHarness.PAT);
        String busyCall = toPat.providerId();
        h.paging.onDelivery(new DeliveryReport(toPat.id(), busyCall, DeliveryReport.Outcome.NO_ANSWER, null, "busy"));
        h.clock.advance(PagingHarness.BACKOFF.plusSeconds(1));
        dispatcher(patTimesOut).dispatchDue();   // the retry's outcome is unknown: it never reached Twilio
        h.clock.advance(PagingHarness.BACKOFF.multipliedBy(2).plusSeconds(1));   // the back-off doubles
        healthy.dispatchDue();                   // asks Twilio first: the busy call is the first attempt's, not this one's

        List<String> own = calls().get(toPat.id());
        assertEquals(2, own.size(), "the retry rang: " + calls());
        assertEquals(own.get(1), voicePage(first, PagingHarness.PAT).providerId());
    }

    @Test
    void aCallThatCouldBeEitherOfTwoPagesIsTakenForNeitherAndBothRingForTheirOwn() {
        long first = voicemail("+12045559001");
        long second = voicemail("+12045559002");
        List<Long> incidents = List.of(first, second);
        // the dying node: its first call to Pat times out without reaching Twilio (retried later, asking Twilio
        // first); the second incident's call to Pat then reaches Twilio, and the node dies before writing it
        try (EscalationEngine dying = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30),
                dyingNode(p -> p.to().equals(PagingHarness.PAT) && p.incidentId() == first ? Fate.TIMES_OUT : Fate.REACHES_AND_HANGS))) {
            dying.runDue();
            Eventually.await(Duration.ofSeconds(10), "the second incident's call to Pat at Twilio",
                    () -> calls().containsKey(voicePage(second, PagingHarness.PAT).id()));
        }
        assertEquals(1, calls().get(voicePage(second, PagingHarness.PAT).id()).size(), calls().toString());
        assertEquals(List.of(), calls().getOrDefault(voicePage(first, PagingHarness.PAT).id(), List.of()));

        h.clock.advance(SEND_TIMEOUT.plusSeconds(1));
        PageDispatcher carriesOn = dispatcher(twilio());
        carriesOn.dispatchDue();   // the node that carries on: the hung call is asked for, the timed-out one retried

        Map<Long, List<String>> byPage = everyCallRangForItsOwnPage(incidents);
        Page secondToPat = voicePage(second, PagingHarness.PAT);
        assertEquals(2, byPage.get(secondToPat.id()).size(), "the call that could be either page's was taken for neither");
        assertEquals(1, count("SELECT COUNT(*) FROM provider_records WHERE page_id IS NULL AND provider_id=?",
                byPage.get(secondToPat.id()).get(0)), "and is nobody's for good");
    }

    @Test
    void aCallWhosePageHasSinceBeenPlacedAgainIsNeverTakenForAnotherPage() {
        Map<Channel, PageChannel> patTimesOut = patCallsTimeOut();
        long first = voicemail("+12045559001");
        PageDispatcher healthy = dispatcher(twilio());
        healthy.dispatchDue();   // nothing yet: the engine decides the step
        try (EscalationEngine e = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), healthy)) {
            e.runDue();
        }
        Page firstToPat = voicePage(first, PagingHarness.PAT);
        String busyCall = firstToPat.providerId();
        // Pat's phone was busy: Twilio says so, and the page is placed again after the back-off
        h.paging.onDelivery(new DeliveryReport(firstToPat.id(), busyCall, DeliveryReport.Outcome.NO_ANSWER, null, "busy"));
        h.clock.advance(PagingHarness.BACKOFF.plusSeconds(1));
        healthy.dispatchDue();
        assertEquals(2, calls().get(firstToPat.id()).size(), calls().toString());

        // a second incident's call to Pat times out, not reaching Twilio; its retry asks Twilio first
        long second = voicemail("+12045559002");
        try (EscalationEngine e = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), dispatcher(patTimesOut))) {
            e.runDue();
        }
        h.clock.advance(PagingHarness.BACKOFF.plusSeconds(1));
        healthy.dispatchDue();

        Page secondToPat = voicePage(second, PagingHarness.PAT);
        List<String> own = calls().getOrDefault(secondToPat.id(), List.of());
        assertEquals(1, own.size(), "the second incident's call to Pat was placed (the busy call is the first page's): "
                + calls());
        assertEquals(own.get(0), secondToPat.providerId());
    }

    @Test
    void aLoneCallInFlightAtACrashIsFoundAtTwilioAndNotPlacedAgainBesideCallsAlreadyAccountedFor() {
        long earlier = voicemail("+12045559001");
        try (EscalationEngine healthy = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), dispatcher(twilio()))) {
            healthy.runDue();   // Pat's and Sam's calls for the earlier incident, each recorded with its SID
        }
        h.clock.advance(Duration.ofSeconds(10));
        long later = voicemail("+12045559002");
        try (EscalationEngine dying = new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30),
                dyingNode(p -> Fate.REACHES_AND_HANGS))) {
            dying.runDue();   // both calls for the later incident reach Twilio; their answers are lost
            Eventually.await(Duration.ofSeconds(10), "the later incident's two calls at Twilio", () -> calls().size() >= 4);
        }

        h.clock.advance(SEND_TIMEOUT.plusSeconds(1));
        dispatcher(twilio()).dispatchDue();

        Map<Long, List<String>> byPage = calls();
        for (long incident : List.of(earlier, later)) {
            for (Page p : h.incidents.show(incident).pages()) {
                if (p.channel() == Channel.VOICE) {
                    assertEquals(List.of(p.providerId()), byPage.get(p.id()), "page " + p.id() + " (incident " + incident
                            + "): placed once, recorded as its own call");
                }
            }
        }
        assertTrue(h.incidents.show(later).timeline().stream().anyMatch(e -> e.kind().equals("PAGE_SENT")
                && e.detail().contains("has it from the hand-over")), h.incidents.show(later).timeline().toString());
    }

    /** Every voice page of these incidents reached Twilio (at most twice) and is SENT as one of its own calls. */
    private Map<Long, List<String>> everyCallRangForItsOwnPage(List<Long> incidents) {
        Map<Long, List<String>> byPage = calls();
        List<String> wrong = new ArrayList<>();
        for (long incident : incidents) {
            for (Page p : h.incidents.show(incident).pages()) {
                if (p.channel() != Channel.VOICE) {
                    continue;
                }
                List<String> own = byPage.getOrDefault(p.id(), List.of());
                assertTrue(!own.isEmpty(), "page " + p.id() + " (incident " + incident + ", call to " + p.to()
                        + ") never reached Twilio; it is " + p.state() + " as " + p.providerId() + "; calls: " + byPage);
                assertTrue(own.size() <= 2, "page " + p.id() + " placed " + own.size() + " times");
                assertEquals(PageState.SENT, p.state(), "page " + p.id());
                if (!own.contains(p.providerId())) {
                    wrong.add("page " + p.id() + " recorded as " + p.providerId() + ", its calls are " + own);
                }
            }
        }
        assertEquals(List.of(), wrong, "each page recorded as one of its own calls");
        return byPage;
    }

    private Page voicePage(long incident, String to) {
        return h.incidents.show(incident).pages().stream().filter(p -> p.channel() == Channel.VOICE && p.to().equals(to))
                .findFirst().orElseThrow();
    }

    /** An urgent voicemail from {@code caller} (each caller its own ticket and incident). */
    private long voicemail(String caller) {
        Ticket t = h.tickets.openOrReuse(TicketSource.PHONE, caller, "Jo Caller", "Acme", Duration.ofHours(1));
        return h.incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P2, caller, "Jo Caller", "Acme", caller,
                "/var/spool/asterisk/voicemail/urgent/msg" + caller.substring(8), h.clock.instant()));
    }

    /** One number from the database. */
    private long count(String sql, Object... args) {
        try (java.sql.Connection c = h.db.database().dataSource().getConnection();
                java.sql.PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            try (java.sql.ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Twilio's calls by the page their status callback names, SIDs in order. */
    private Map<Long, List<String>> calls() {
        Map<Long, List<String>> out = new TreeMap<>();
        for (FakeTwilio.ApiRequest r : f.twilio.requests()) {
            if (!r.kind().equals("Calls")) {
                continue;
            }
            Matcher m = PAGE.matcher(r.statusCallback());
            assertTrue(m.find(), r.toString());
            out.computeIfAbsent(Long.parseLong(m.group(1)), k -> new ArrayList<>()).add(r.sid());
        }
        return out;
    }
}
