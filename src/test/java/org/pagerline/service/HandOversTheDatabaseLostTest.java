package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.adapter.store.HandOverFile;
import org.pagerline.core.page.BundleGaps;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.NamedPageChannel;
import org.pagerline.testkit.PagingHarness;

/**
 * A crash after which the database comes back without the last run's work (H2 was seen to do this
 * after a SIGKILL: a whole run's claims and results gone, the pages PENDING again): pages that run
 * handed over are asked for at the provider by the next run, found there and not sent a second time.
 */
class HandOversTheDatabaseLostTest {
    @TempDir
    Path dir;
    final PagingHarness h = new PagingHarness().withDefaultRoster();
    final List<ExecutorService> pools = new ArrayList<>();
    /** The provider: every create, by page, and every look-up. */
    final Map<Long, List<String>> creates = new ConcurrentHashMap<>();
    final List<Long> lookUps = new CopyOnWriteArrayList<>();
    /** When set, a call's look-up waits up to 1 s for another to the same phone: those that met one. */
    volatile boolean watchOverlappingLookUps;
    final List<String> overlappingLookUps = new CopyOnWriteArrayList<>();
    final Map<String, java.util.concurrent.atomic.AtomicInteger> lookingUp = new ConcurrentHashMap<>();
    final Map<String, java.util.concurrent.CountDownLatch> secondLookUp = new ConcurrentHashMap<>();
    /** For the listing provider: what its next hand-overs of an incident's call to Pat meet (default: accepted). */
    final Map<Long, java.util.Deque<Fate>> patCallFates = new ConcurrentHashMap<>();
    /** For the listing provider: records it has made but does not list yet (its lists lag). */
    final java.util.Set<String> unlisted = ConcurrentHashMap.newKeySet();

    /** A hand-over whose answer never comes: the provider made the call, or the request never reached it. */
    enum Fate { MADE_UNKNOWN, LOST_UNKNOWN }

    @AfterEach
    void close() {
        pools.forEach(ExecutorService::shutdownNow);
        h.close();
    }

    /** A fresh process's dispatcher: its own sender pool, the journal in the data directory. */
    private EscalationEngine newRun() {
        return newRun(provider(), BundleGaps.defaults());
    }

    private EscalationEngine newRun(Map<Channel, PageChannel> provider, BundleGaps gaps) {
        return newRun(provider, gaps, 4);
    }

    private EscalationEngine newRun(Map<Channel, PageChannel> provider, BundleGaps gaps, int senderThreads) {
        ExecutorService senders = Executors.newFixedThreadPool(senderThreads);
        pools.add(senders);
        PageDispatcher d = new PageDispatcher(h.tx, h.clock, provider, new RateLimit(10, Duration.ofMinutes(10)),
                new DeliveryPolicy(PagingHarness.BACKOFF, Duration.ofMinutes(5), 3), Duration.ofSeconds(60), senders,
                Duration.ofSeconds(5)).withJournal(new HandOverFile(dir.resolve("handovers.log"))).withBundleGaps(gaps);
        return new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), d);
    }

    /** One of the test provider's channels: its name says which. */
    private abstract static class ProviderChannel extends NamedPageChannel {
        ProviderChannel(Channel c) {
            super(c, "provider-" + c.name().toLowerCase());
        }
    }

    /** Every page its own hand-over. */
    static final BundleGaps NO_BUNDLES = new BundleGaps(Duration.ZERO, Duration.ZERO);

    /** Two incidents paged by one run, every page its own hand-over: Pat and Sam each get two calls at once. */
    private List<Long> twoIncidentsPagedWithoutBundles(Map<Channel, PageChannel> provider) {
        long first = h.voicemail(Priority.P3);
        long second = RepliesAndOutboxScenarioTest.voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        try (EscalationEngine killed = newRun(provider, NO_BUNDLES)) {
            killed.runDue();
        }
        return List.of(first, second);
    }

    /** Each page was made once at the provider and is SENT as that record, its own call or text. */
    private void eachPageMadeOnceAndSentAsItsOwn(List<Long> incidents) {
        assertTrue(creates.values().stream().allMatch(l -> l.size() == 1), "each page made once at the provider: " + creates);
        for (long incident : incidents) {
            for (Page p : pages(incident)) {
                assertEquals(PageState.SENT, p.state(), p.toString());
                assertEquals(creates.get(p.id()).get(0), p.providerId(), "page " + p.id() + " has its own call or text");
            }
        }
    }

    /** A provider record as Twilio lists it: its id, the number it went to, when it was created. */
    record Made(String sid, String to, Instant created) {}

    /**
     * Like Twilio: a call carries nothing of its page, so a look-up lists everything made to the
     * page's number on that channel and takes the closest record the dispatcher does not rule out.
     */
    private Map<Channel, PageChannel> providerListingByNumber() {
        Map<Channel, List<Made>> made = new EnumMap<>(Channel.class);
        Map<Channel, PageChannel> m = new EnumMap<>(Channel.class);
        java.util.concurrent.atomic.AtomicInteger sids = new java.util.concurrent.atomic.AtomicInteger();
        for (Channel c : Channel.values()) {
            made.put(c, new CopyOnWriteArrayList<>());
            m.put(c, new ProviderChannel(c) {
                @Override
                public SendResult send(OutgoingPage page) {
                    java.util.Deque<Fate> fates = c == Channel.VOICE && page.to().equals(PagingHarness.PAT)
                            ? patCallFates.get(page.incidentId()) : null;
                    Fate fate = fates == null ? null : fates.poll();
                    if (fate == Fate.LOST_UNKNOWN) {
                        return SendResult.unknown("read timed out");
                    }
                    List<String> mine = creates.computeIfAbsent(page.pageId(), k -> new CopyOnWriteArrayList<>());
                    String sid = c.name().charAt(0) + "A" + sids.incrementAndGet();
                    mine.add(sid);
                    made.get(c).add(new Made(sid, page.to(), h.clock.instant()));
                    return fate == Fate.MADE_UNKNOWN ? SendResult.unknown("read timed out") : SendResult.accepted(sid);
                }

                @Override
                public Optional<SendResult> lookUp(OutgoingPage page, Instant since, BiPredicate<String, Instant> mayBeAnothers) {
                    lookUps.add(page.pageId());
                    if (watchOverlappingLookUps && c == Channel.VOICE) {
                        watchForAnotherLookUp(page.to());
                    }
                    return made.get(c).stream().filter(r -> r.to().equals(page.to()) && !unlisted.contains(r.sid()))
                            .filter(r -> !mayBeAnothers.test(r.sid(), r.created()))
                            .min(java.util.Comparator.comparing(r -> Duration.between(since, r.created()).abs()))
                            .map(r -> SendResult.accepted(r.sid()));
                }
            });
        }
        return m;
    }

    /** Gives a second look-up of a call to {@code to} up to 1 s to come while this one runs; notes one that does. */
    private void watchForAnotherLookUp(String to) {
        var inFlight = lookingUp.computeIfAbsent(to, k -> new java.util.concurrent.atomic.AtomicInteger());
        if (inFlight.incrementAndGet() > 1) {
            overlappingLookUps.add(to);
        }
        try {
            var second = secondLookUp.computeIfAbsent(to, k -> new java.util.concurrent.CountDownLatch(2));
            second.countDown();
            second.await(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Accepts every create at once; its lists hold what it created, by page. */
    private Map<Channel, PageChannel> provider() {
        Map<Channel, PageChannel> m = new EnumMap<>(Channel.class);
        for (Channel c : Channel.values()) {
            m.put(c, new ProviderChannel(c) {
                @Override
                public SendResult send(OutgoingPage page) {
                    List<String> mine = creates.computeIfAbsent(page.pageId(), k -> new CopyOnWriteArrayList<>());
                    String sid = "SID-" + page.pageId() + "-" + (mine.size() + 1);
                    mine.add(sid);
                    return SendResult.accepted(sid);
                }

                @Override
                public Optional<SendResult> lookUp(OutgoingPage page, Instant since, BiPredicate<String, Instant> mayBeAnothers) {
                    lookUps.add(page.pageId());
                    List<String> mine = creates.getOrDefault(page.pageId(), List.of());
                    return mine.isEmpty() ? Optional.empty() : Optional.of(SendResult.accepted(mine.get(0)));
                }
            });
        }
        return m;
    }

    private List<Page> pages(long incident) {
        return h.incidents.show(incident).pages();
    }

    /** Puts the pages back as they were created, before the run's claims: what H2 came back with. */
    private void databaseLosesTheRunsWork(List<Page> handed) throws Exception {
        try (Connection c = h.db.database().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE pages SET state='PENDING', attempts=0, claimed_at=NULL, sent_at=NULL, provider_id=NULL,"
                        + " next_attempt_at=? WHERE id=?")) {
            for (Page p : handed) {
                ps.setTimestamp(1, Timestamp.from(p.createdAt()));
                ps.setLong(2, p.id());
                ps.executeUpdate();
            }
            // the provider records the run noted were written with its results
            try (PreparedStatement notes = c.prepareStatement("DELETE FROM provider_records WHERE page_id=?")) {
                for (Page p : handed) {
                    notes.setLong(1, p.id());
                    notes.executeUpdate();
                }
            }
        }
    }

    @Test
    void pagesHandedOverBeforeACrashThatTheDatabaseForgotAreFoundAtTheProviderNotSentAgain() throws Exception {
        long id = h.voicemail(Priority.P3);            // four pages: SMS and call to Pat and to Sam
        try (EscalationEngine killed = newRun()) {
            killed.runDue();                           // claimed, handed over, results written
        }
        List<Page> handed = pages(id);
        assertTrue(handed.stream().allMatch(p -> p.state() == PageState.SENT), handed.toString());
        databaseLosesTheRunsWork(handed);
        assertTrue(pages(id).stream().allMatch(p -> p.state() == PageState.PENDING), "the crash took the claims back");

        h.clock.advance(Duration.ofSeconds(5));        // the next run starts
        try (EscalationEngine next = newRun()) {
            next.runDue();
        }

        assertEquals(4, creates.size(), creates.toString());
        assertTrue(creates.values().stream().allMatch(l -> l.size() == 1), "each page created once at the provider: " + creates);
        assertTrue(pages(id).stream().allMatch(p -> p.state() == PageState.SENT), pages(id).toString());
        String story = h.incidents.show(id).timeline().toString();
        assertEquals(4, story.split("has it from the hand-over at", -1).length - 1, story);
        assertEquals(4, story.split("the database came back without it", -1).length - 1, story);
    }

    @Test
    void twoCallsToOnePhoneThatTheDatabaseForgotAreEachFoundAsTheirOwnNotPlacedAgain() throws Exception {
        Map<Channel, PageChannel> provider = providerListingByNumber();
        List<Long> incidents = twoIncidentsPagedWithoutBundles(provider);
        List<Page> handed = incidents.stream().flatMap(i -> pages(i).stream()).toList();
        assertEquals(8, handed.size(), handed.toString());
        assertTrue(handed.stream().allMatch(p -> p.state() == PageState.SENT), handed.toString());
        databaseLosesTheRunsWork(handed);

        h.clock.advance(Duration.ofSeconds(5));
        try (EscalationEngine next = newRun(provider, NO_BUNDLES)) {
            next.runDue();
        }

        eachPageMadeOnceAndSentAsItsOwn(incidents);
    }

    @Test
    void twoCallsToOnePhoneLeftSendingWithTheirResultsLostAreEachFoundAsTheirOwn() throws Exception {
        Map<Channel, PageChannel> provider = providerListingByNumber();
        List<Long> incidents = twoIncidentsPagedWithoutBundles(provider);
        // the claims survived the crash, the results did not: every page SENDING under its claim
        try (Connection c = h.db.database().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE pages SET state='SENDING', sent_at=NULL, provider_id=NULL WHERE incident_id IN (?,?)")) {
            ps.setLong(1, incidents.get(0));
            ps.setLong(2, incidents.get(1));
            assertEquals(8, ps.executeUpdate());
            c.createStatement().executeUpdate("DELETE FROM provider_records");   // written with the results
        }

        h.clock.advance(Duration.ofSeconds(61));       // past the send timeout: the next run looks them up
        watchOverlappingLookUps = true;
        try (EscalationEngine next = newRun(provider, NO_BUNDLES, 8)) {   // room for all eight in one round
            next.runDue();
        }

        eachPageMadeOnceAndSentAsItsOwn(incidents);
        assertEquals(List.of(), overlappingLookUps, "the calls left to one phone are looked up one at a time");
    }

    @Test
    void aCallCutOffBeforeTheProviderAnsweredIsFoundAsItsOwnBesideAnEarlierCallTheJournalKept() throws Exception {
        callCutOffBesideAnEarlierCallTheJournalKept(false);
    }

    @Test
    void aCallCutOffBeforeTheProviderAnsweredIsFoundAsItsOwnWhenItIsLookedUpFirst() throws Exception {
        callCutOffBesideAnEarlierCallTheJournalKept(true);
    }

    /**
     * The second incident's call to Pat went after the first's was written; the kill came before the
     * provider's answer to it reached the journal (the provider made the call), and the database came
     * back without the run's work: the first call is known by the journal's id, the second by nothing.
     * {@code cutOffFirst}: the cut-off call is looked up before the earlier one (as when that one is a
     * retry, due later).
     */
    private void callCutOffBesideAnEarlierCallTheJournalKept(boolean cutOffFirst) throws Exception {
        Map<Channel, PageChannel> provider = providerListingByNumber();
        List<Long> incidents = twoIncidentsPagedWithoutBundles(provider);
        List<Page> handed = incidents.stream().flatMap(i -> pages(i).stream()).toList();
        Page earlier = voiceToPat(handed, incidents.get(0));
        Page cutOff = voiceToPat(handed, incidents.get(1));
        Path journal = dir.resolve("handovers.log");
        List<String> kept = Files.readAllLines(journal).stream()
                .filter(l -> !(l.startsWith(cutOff.id() + " ") && l.trim().split(" ").length == 4)).toList();
        assertEquals(1, Files.readAllLines(journal).size() - kept.size(), "the cut-off call's answer left out of the journal");
        Files.write(journal, kept);
        databaseLosesTheRunsWork(handed);
        if (cutOffFirst) {
            try (Connection c = h.db.database().dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE pages SET next_attempt_at=? WHERE id=?")) {
                ps.setTimestamp(1, Timestamp.from(earlier.createdAt().plusSeconds(1)));
                ps.setLong(2, earlier.id());
                assertEquals(1, ps.executeUpdate());
            }
        }

        h.clock.advance(Duration.ofSeconds(5));
        List<Long> askedFirst = new ArrayList<>();
        try (EscalationEngine next = newRun(provider, NO_BUNDLES)) {
            next.runDue();
        }
        lookUps.stream().filter(id -> id == earlier.id() || id == cutOff.id()).findFirst().ifPresent(askedFirst::add);

        eachPageMadeOnceAndSentAsItsOwn(incidents);
        assertEquals(List.of(cutOffFirst ? cutOff.id() : earlier.id()), askedFirst, "the order the two calls were looked up in");
    }

    @Test
    void aPagesEarlierCallIsNotTakenForAnotherPageWhenTheJournalHasOnlyItsLaterCall() throws Exception {
        Map<Channel, PageChannel> provider = providerListingByNumber();
        // the first incident's call to Pat is made but its answer never comes; 20 s later the second's never
        // reaches the provider and gets no answer either: both outcomes unknown, each retried after the back-off
        long first = h.voicemail(Priority.P3);
        patCallFates.put(first, new java.util.ArrayDeque<>(List.of(Fate.MADE_UNKNOWN)));
        Page a;
        Page b;
        Instant firstUnknown;
        try (EscalationEngine live = newRun(provider, NO_BUNDLES)) {
            live.runDue();
            a = voiceToPat(pages(first), first);
            firstUnknown = a.claimedAt();
            h.clock.advance(Duration.ofSeconds(20));
            long second = RepliesAndOutboxScenarioTest.voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
            patCallFates.put(second, new java.util.ArrayDeque<>(List.of(Fate.LOST_UNKNOWN)));
            live.runDue();
            b = voiceToPat(pages(second), second);
            assertEquals(List.of(PageState.PENDING, PageState.PENDING), List.of(voiceToPat(pages(first), first).state(),
                    b.state()), pages(first) + " " + pages(second));
            // the provider's lists lag: the first page's retry (due before the second's) does not see its
            // earlier call, and the call is made again
            unlisted.add(creates.get(a.id()).get(0));
            h.clock.advance(PagingHarness.BACKOFF.minusSeconds(5));
            live.runDue();
            assertEquals(PageState.PENDING, voiceToPat(pages(second), second).state(), "the second page's retry is not due yet");
        }
        Page retried = voiceToPat(pages(first), first);
        assertEquals(2, creates.get(a.id()).size(), "the retry made a second call: " + creates);
        // the kill came once the journal had the second call's id; the database lost that answer
        try (Connection c = h.db.database().dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE pages SET state='SENDING', sent_at=NULL, provider_id=NULL WHERE id=?")) {
                ps.setLong(1, a.id());
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM provider_records WHERE page_id=?")) {
                ps.setLong(1, a.id());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO unconfirmed_sends (page_id, since) KEY (page_id) VALUES (?,?)")) {
                ps.setLong(1, a.id());
                ps.setTimestamp(2, Timestamp.from(firstUnknown));
                ps.executeUpdate();
            }
        }
        unlisted.clear();
        patCallFates.clear();

        h.clock.advance(Duration.ofSeconds(61));   // past the send timeout: the next run looks both up
        try (EscalationEngine next = newRun(provider, NO_BUNDLES)) {
            next.runDue();
        }

        Page aNow = voiceToPat(pages(first), first);
        Page bNow = voiceToPat(pages(b.incidentId()), b.incidentId());
        assertEquals(creates.get(a.id()).get(1), aNow.providerId(), "the first page is its journaled call");
        assertEquals(PageState.SENT, bNow.state(), pages(b.incidentId()).toString());
        assertEquals(List.of(bNow.providerId()), creates.get(b.id()),
                "the second page never reached the provider: it is placed, not marked sent on the first page's earlier call");
        assertEquals(retried.attempts(), aNow.attempts() - 1, "the first page was looked up, not placed a third time");
    }

    private static Page voiceToPat(List<Page> pages, long incident) {
        return pages.stream().filter(p -> p.incidentId() == incident && p.channel() == Channel.VOICE
                && p.to().equals(PagingHarness.PAT)).findFirst().orElseThrow();
    }

    /**
     * The kill came before the provider's answer to the call (it made it); the next run found the
     * call at the provider, and the database lost that run's work too. The call the look-up found
     * is in the journal under its id, as an accepted hand-over's is, so the run after takes it as
     * the page's own: it cannot be told from another call to the phone by time alone.
     */
    @Test
    void aCallTheLookUpFoundIsJournaledByItsIdSoASecondLossStillKnowsIt() throws Exception {
        Map<Channel, PageChannel> provider = providerListingByNumber();
        long incident = h.voicemail(Priority.P3);
        patCallFates.put(incident, new java.util.ArrayDeque<>(List.of(Fate.MADE_UNKNOWN)));
        try (EscalationEngine killed = newRun(provider, NO_BUNDLES)) {
            killed.runDue();
        }
        Page call = voiceToPat(pages(incident), incident);
        Path journal = dir.resolve("handovers.log");
        java.util.function.LongSupplier idsOfCall = () -> {
            try {
                return Files.readAllLines(journal).stream()
                        .filter(l -> l.startsWith(call.id() + " ") && l.trim().split(" ").length == 4).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertEquals(0, idsOfCall.getAsLong(), "the provider's answer never came: no id journaled for the call");
        databaseLosesTheRunsWork(pages(incident));

        h.clock.advance(Duration.ofSeconds(5));
        try (EscalationEngine found = newRun(provider, NO_BUNDLES)) {
            found.runDue();
        }
        assertEquals(PageState.SENT, pages(incident).stream().filter(p -> p.id() == call.id()).findFirst().orElseThrow()
                .state(), "found at the provider");
        assertEquals(1, idsOfCall.getAsLong(), "the call the look-up found is journaled by its id");
        databaseLosesTheRunsWork(pages(incident));

        h.clock.advance(Duration.ofSeconds(5));
        try (EscalationEngine next = newRun(provider, NO_BUNDLES)) {
            next.runDue();
        }
        eachPageMadeOnceAndSentAsItsOwn(List.of(incident));
    }

    @Test
    void aRestartAfterHandOversTheDatabaseKeptAsksTheProviderNothing() {
        long id = h.voicemail(Priority.P3);
        try (EscalationEngine first = newRun()) {
            first.runDue();
        }
        h.clock.advance(Duration.ofSeconds(5));
        try (EscalationEngine next = newRun()) {
            next.runDue();
        }
        assertTrue(pages(id).stream().allMatch(p -> p.state() == PageState.SENT), pages(id).toString());
        assertTrue(creates.values().stream().allMatch(l -> l.size() == 1), creates.toString());
        assertEquals(List.of(), lookUps, "nothing to ask: the database has every hand-over");
    }

    @Test
    void aHandOverJournaledBeforeAPageWasCreatedIsAnotherPageUnderTheSameIdAndNotAskedFor() {
        // an earlier run's hand-overs under ids 1 to 10, from before these pages existed (H2 was seen to
        // hand identity values out again after a kill)
        List<HandOverJournal.Entry> earlier = new ArrayList<>();
        for (long pageId = 1; pageId <= 10; pageId++) {
            earlier.add(new HandOverJournal.Entry(pageId, 1, h.clock.instant().minusSeconds(60)));
        }
        new HandOverFile(dir.resolve("handovers.log")).handingOver(earlier);
        long id = h.voicemail(Priority.P3);
        try (EscalationEngine run = newRun()) {
            run.runDue();
        }
        assertEquals(List.of(), lookUps, "nothing asked for: that hand-over was not this page's");
        assertTrue(creates.values().stream().allMatch(l -> l.size() == 1) && creates.size() == 4, creates.toString());
        assertTrue(pages(id).stream().allMatch(p -> p.id() <= 10), "the pages took journaled ids: " + pages(id));
    }
}
