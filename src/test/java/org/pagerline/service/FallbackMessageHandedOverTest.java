package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.UrgentCallers;

/**
 * The message a caller left in the dialplan's fallback voicemail, handed over once they hung up:
 * it goes on their ticket and their call, and an urgent caller owed a page is paged with it, by
 * whichever node takes it. Real H2, fake clock, and the real incident service where the joining
 * of an incident is what is held.
 */
class FallbackMessageHandedOverTest {
    private static final String WORDS = "/var/spool/asterisk/pagerline/fallback/20261123-030012-12045550123-1763900004.1";
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T03:00:00Z");
    private final IncidentService realIncidents = new IncidentService(db.transactions(), clock, Duration.ofMinutes(30),
            Duration.ofMinutes(15), () -> { });
    private final RecordingIncidentOpener opener = new RecordingIncidentOpener();

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anUrgentCallerCutOffAndPagedWithNoMessageHasTheirFallbackMessageJoinTheIncidentBeingPaged() {
        Restarted r = cutOffByARestart(realIncidents, "1763900004.1", CallStep.CALLBACK);
        LiveCall live = r.live();
        CallService next = r.next();
        Incident paging = onlyIncident();
        assertEquals(null, paging.recording(), "paged at the cut-off with no message");
        clock.advance(Duration.ofSeconds(40));

        CallService.FallbackTaken t = next.fallbackMessage("1763900004.1", WORDS, "+12045550123", "Jane");

        assertTrue(t.firstTime());
        Incident now = onlyIncident();
        assertEquals(paging.id(), now.id(), "the same incident: no second paging cycle");
        assertEquals(WORDS, now.recording(), "its pages from now on play the caller's words");
        assertEquals(paging.callbackDueAt(), now.callbackDueAt(), "the promise made at the cut-off stands");
        List<String> lines = lines(live.ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE") && l.contains(WORDS)), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("VOICEMAIL_AGAIN") && l.contains(WORDS)), lines.toString());
        assertEquals(WORDS, next.find(live.callId()).orElseThrow().recording(), "the call lists the message");
        next.close();
    }

    @Test
    void aCallStillLiveOnADeadNodeEndsAtTheHandOverAndItsUrgentCallerIsPagedWithTheMessage() {
        Restarted dead = onADeadNode("1763900004.2");
        LiveCall live = dead.live();
        CallService nodeB = dead.next();

        nodeB.fallbackMessage("1763900004.2", WORDS, "+12045550123", "Jane");

        assertEquals(CallOutcome.CUT_OFF, nodeB.find(live.callId()).orElseThrow().outcome(), "the caller has left the line");
        assertEquals(1, opener.opened().size());
        assertEquals(WORDS, opener.opened().get(0).recording(), "paged with their words, not without");
        assertEquals(Priority.P1, opener.opened().get(0).priority());
        List<String> lines = lines(live.ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("URGENT_CUT_OFF") && l.contains("with the message they left")),
                lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("PAGING_WITHOUT_MESSAGE")), lines.toString());
        nodeB.close();
        assertEquals(1, opener.opened().size(), "the call is not cut off and paged again at B's stop");
    }

    @Test
    void aRepeatedHandOverChangesNothing() {
        Restarted dead = onADeadNode("1763900004.3");
        LiveCall live = dead.live();
        CallService nodeB = dead.next();
        nodeB.fallbackMessage("1763900004.3", WORDS, "+12045550123", "Jane");

        CallService.FallbackTaken again = node(opener, "node-c").fallbackMessage("1763900004.3", WORDS, "+12045550123", "Jane");

        assertTrue(!again.firstTime(), again.toString());
        assertEquals(1, opener.opened().size(), "paged once");
        assertEquals(1, lines(live.ticketId()).stream().filter(l -> l.startsWith("FALLBACK_MESSAGE")).count());
        nodeB.close();
    }

    @Test
    void aCallerWhoWasNotUrgentOrWasPutThroughHasTheMessageOnTheTicketAndNobodyIsPaged() {
        CallService calls = node(opener, "node-a");
        LiveCall notUrgent = calls.start("1763900004.4", "PJSIP/trunk-4", "+12045550124", "Ann");
        notUrgent.call().urgency(clock.instant(), false, false);
        notUrgent.call().enter(CallStep.RECORDING);
        notUrgent.call().failed(clock.instant(), "pagerline fault at recording");
        calls.saveLast(notUrgent);
        LiveCall putThrough = urgentCallerAt(calls, "1763900004.5", CallStep.RINGING);
        long tech = db.transactions().inTransaction(s -> s.roster().insertTechnician(new org.pagerline.core.roster.Technician(
                0, "Pat", "+12045550100", null, null, java.time.ZoneId.of("America/Winnipeg")), clock.instant())).id();
        assertEquals(Acceptance.WRITTEN, calls.accept(putThrough.callId(), null, tech, java.time.Duration.ofSeconds(10)));
        putThrough.call().failed(clock.instant(), "pagerline fault after the technician's accept");
        calls.saveLast(putThrough);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));

        calls.fallbackMessage("1763900004.4", WORDS + "4", "+12045550124", "Ann");
        calls.fallbackMessage("1763900004.5", WORDS + "5", "+12045550123", "Jane");

        assertEquals(0, opener.opened().size(), "nobody is owed a page");
        assertTrue(lines(notUrgent.ticketId()).stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE") && l.contains(WORDS + "4")));
        assertTrue(lines(putThrough.ticketId()).stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE") && l.contains(WORDS + "5")));
        assertEquals(CallOutcome.FAILED, calls.find(notUrgent.callId()).orElseThrow().outcome(), "its end stands");
        calls.close();
    }

    @Test
    void aMessageThatIsNotUrgentStartsItsTicketsContactClockAsAnyMessageDoes() {
        CallService calls = node(opener, "node-a");
        LiveCall notUrgent = calls.start("1763900004.8", "PJSIP/trunk-8", "+12045550128", "Cy");
        notUrgent.call().urgency(clock.instant(), false, false);
        notUrgent.call().enter(CallStep.RECORDING);
        notUrgent.call().failed(clock.instant(), "pagerline fault at recording");
        calls.saveLast(notUrgent);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        assertTrue(lines(notUrgent.ticketId()).stream().noneMatch(l -> l.startsWith("CLOCK_STARTED")), "no message yet");

        calls.fallbackMessage("1763900004.8", WORDS + "8", "+12045550128", "Cy");
        calls.fallbackMessage("1763900004.9", WORDS + "9", "+12045550129", "Di"); // a call no pagerline began

        for (String number : List.of("+12045550128", "+12045550129")) {
            assertOneContactClockStarted(db.transactions().inTransaction(s -> s.tickets().findOpenByCaller(number,
                    clock.instant().minus(Duration.ofDays(1)))).orElseThrow().id());
        }
        assertEquals(0, opener.opened().size(), "nobody is paged for it");
        calls.close();
    }

    @Test
    void aCallerWhoWasNotUrgentOnANodeThatDiedHasTheirMessageOnTheContactClock() {
        CallService nodeA = node(opener, "node-a");
        LiveCall live = nodeA.start("1763900004.10", "PJSIP/trunk-10", "+12045550130", "Ed");
        live.call().urgency(clock.instant(), false, false);
        live.call().enter(CallStep.RECORDING);
        nodeA.save(live);   // node A dies here, the call still live in the database
        assertTrue(nodeA.awaitSaved(Duration.ofSeconds(10)));
        CallService nodeB = node(opener, "node-b");

        nodeB.fallbackMessage("1763900004.10", WORDS + "10", "+12045550130", "Ed");

        assertEquals(CallOutcome.CUT_OFF, nodeB.find(live.callId()).orElseThrow().outcome());
        assertOneContactClockStarted(live.ticketId());
        assertEquals(0, opener.opened().size(), "nobody is paged for it");
        nodeB.close();
    }

    @Test
    void aCallNoPagerlineBeganIsPutOnTheCallersOpenTicket() {
        CallService calls = node(opener, "node-a");
        LiveCall earlier = calls.start("1763900004.6", "PJSIP/trunk-6", "+12045550126", "Bo");
        earlier.call().hungUp(clock.instant());
        calls.saveLast(earlier);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        clock.advance(Duration.ofMinutes(20));

        CallService.FallbackTaken t = calls.fallbackMessage("1763900004.7", WORDS, "12045550126", "Bo");

        assertEquals(earlier.ticketId(), t.ticketId(), "the caller's open ticket, as a start would reuse it");
        List<String> lines = lines(earlier.ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE") && l.contains("pagerline has no record of the call")
                && l.contains(WORDS)), lines.toString());
        assertEquals(2, calls.callsOf(earlier.ticketId()).size());
        calls.close();
    }

    @Test
    void anIncidentThatCannotBeOpenedLeavesTheMessageOnTheTicketAndSaysToCallBackByHand() {
        Restarted dead = onADeadNode("1763900004.8");
        LiveCall live = dead.live();
        CallService nodeB = dead.next();
        opener.failWith(new IllegalStateException("the escalation policy is unreadable"));

        nodeB.fallbackMessage("1763900004.8", WORDS, "+12045550123", "Jane");

        assertEquals(CallOutcome.CUT_OFF, nodeB.find(live.callId()).orElseThrow().outcome());
        List<String> lines = lines(live.ticketId());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("FALLBACK_MESSAGE:")).count(), lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("INCIDENT_FAILED") && l.contains("by hand")).count(),
                lines.toString());
        assertEquals(0, lines.stream().filter(l -> l.startsWith("URGENT_CUT_OFF")).count(),
                "nothing of the failed attempts stays: " + lines);
        nodeB.close();
    }

    @Test
    void aHandOverThatFindsTheCallLiveWhileAnotherNodeEndsItStillJoinsItsWordsToTheIncident() {
        Restarted r = cutOffByARestart(realIncidents, "1763900004.9", CallStep.CALLBACK);
        LiveCall live = r.live();
        CallService next = r.next();
        // node B read the call as still live, as it was before that cut-off committed
        CallService nodeB = UrgentCallers.node(new CallsReadAsLive(db.transactions()), db.transactions(),
                clock, realIncidents, "node-b");

        nodeB.fallbackMessage("1763900004.9", WORDS, "+12045550123", "Jane");

        assertEquals(WORDS, onlyIncident().recording(), "the incident the cut-off opened pages with the words");
        assertEquals(1, lines(live.ticketId()).stream().filter(l -> l.startsWith("CALL_CUT_OFF")).count(),
                "cut off once: " + lines(live.ticketId()));
        nodeB.close();
        next.close();
    }

    @Test
    void aHandOverWaitsForTheCallsLastSaveStillInTheJournal() throws Exception {
        HeldCommits held = new HeldCommits(db.transactions());
        CallService calls = UrgentCallers.node(held, db.transactions(), clock, opener, "node-a");
        LiveCall live = calls.start("1763900004.10", "PJSIP/trunk-10", "+12045550129", "Cy");
        live.call().urgency(clock.instant(), false, false);
        live.call().enter(CallStep.RECORDING);
        held.hold();
        live.call().failed(clock.instant(), "pagerline fault at recording");
        calls.saveLast(live); // the journal's writer is held with it
        assertTrue(held.awaitHolding(), "the last save reached a commit");
        var handOver = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> calls.fallbackMessage("1763900004.10", WORDS, "+12045550129", "Cy"));
        org.pagerline.testkit.Eventually.await(Duration.ofSeconds(10), "the hand-over in the journal behind the last save",
                () -> calls.piecesUnwritten() == 2);
        assertTrue(!handOver.isDone(), "the hand-over waits for the call's last save");

        held.release();
        handOver.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertEquals(CallOutcome.FAILED, calls.find(live.callId()).orElseThrow().outcome(), "the call's own end stands");
        List<String> lines = lines(live.ticketId());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("CALL_CUT_OFF")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE:")), lines.toString());
        calls.close();
    }

    @Test
    void anUrgentCallerAlreadyCalledBackIsNotPagedAgainForTheirFallbackMessage() {
        Restarted r = cutOffByARestart(realIncidents, "1763900004.11", CallStep.CALLBACK);
        LiveCall live = r.live();
        CallService next = r.next();
        db.transactions().inTransaction(s -> s.roster().insertTechnician(new org.pagerline.core.roster.Technician(
                0, "Pat", "+12045550100", null, null, java.time.ZoneId.of("America/Winnipeg")), clock.instant()));
        assertTrue(realIncidents.calledBack(onlyIncident().id(), "Pat").changed());

        next.fallbackMessage("1763900004.11", WORDS, "+12045550123", "Jane");

        assertEquals(1, db.transactions().inTransaction(s -> s.incidents().list(10, false)).size(), "no second cycle");
        List<String> lines = lines(live.ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE_LATE")), lines.toString());
        assertEquals(WORDS, next.find(live.callId()).orElseThrow().recording(), "on the call all the same");
        next.close();
    }

    @Test
    void anUrgentCallerWhoseIncidentFailedAtTheCutOffIsPagedWithTheirFallbackMessageOnTheirCallerId() {
        CallService killed = node(opener, "node-a");
        LiveCall live = urgentCallerAt(killed, "1763900004.12", CallStep.PRIORITY); // no call-back number given
        CallService next = node(opener, "node-a");
        opener.failWith(new IllegalStateException("the escalation policy is unreadable"));
        assertEquals(1, next.endCallsLeftLive());
        assertEquals(0, opener.opened().size());
        opener.failWith(null);

        next.fallbackMessage("1763900004.12", WORDS, "+12045550123", "Jane");

        assertEquals(1, opener.opened().size(), "paged now, with the words: " + lines(live.ticketId()));
        assertEquals(WORDS, opener.opened().get(0).recording());
        assertEquals("+12045550123", opener.opened().get(0).callbackNumber(), "their caller ID, a number we may call");
        next.close();
    }

    @Test
    void anIncidentThatCannotTakeTheMessagePagesOnWithoutItAndTheTicketSaysSo() {
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        IncidentOpener flaky = new IncidentOpener() {
            @Override
            public long openFromVoicemail(VoicemailIncident v) {
                throw new UnsupportedOperationException("the line opens incidents in its own transaction");
            }

            @Override
            public long openFromVoicemail(Stores s, VoicemailIncident v, org.pagerline.core.ticket.Ticket t,
                    java.util.Optional<Incident> awaiting) {
                if (failing.get()) {
                    throw new IllegalStateException("the incident's row stays locked");
                }
                return realIncidents.openFromVoicemail(s, v, t, awaiting);
            }
        };
        Restarted r = cutOffByARestart(flaky, "1763900004.13", CallStep.CALLBACK);
        failing.set(true);

        r.next().fallbackMessage("1763900004.13", WORDS, "+12045550123", "Jane");

        assertEquals(null, onlyIncident().recording(), "the incident pages on, without the words");
        List<String> lines = lines(r.live().ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FALLBACK_MESSAGE_NOT_JOINED") && l.contains("goes on paging")),
                lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("INCIDENT_FAILED")), "it is paging: " + lines);
        r.next().close();
    }

    @Test
    void eachHandOverIsCountedByWhatCameOfIt() {
        List<String> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Metrics metrics = new Metrics() {
            @Override
            public void fallbackMessage(String result) {
                counted.add(result);
            }
        };
        CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
                new PhoneNumbers("CA"), opener, clock, Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"),
                "node-b", metrics);
        urgentCallerAt(node(opener, "node-a"), "1763900004.14", CallStep.CALLBACK);
        LiveCall calm = calls.start("1763900004.15", "PJSIP/trunk-15", "+12045550130", "Di");
        calm.call().urgency(clock.instant(), false, false);
        calm.call().failed(clock.instant(), "pagerline fault at urgency");
        calls.saveLast(calm);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));

        calls.fallbackMessage("1763900004.14", WORDS, "+12045550123", "Jane");
        calls.fallbackMessage("1763900004.14", WORDS, "+12045550123", "Jane");
        calls.fallbackMessage("1763900004.15", WORDS + "5", "+12045550130", "Di");
        calls.fallbackMessage("1763900004.16", WORDS + "6", "+12045550131", "Ed");

        assertEquals(List.of("urgent_paged", "repeat", "on_ticket", "no_record"), counted);
        assertTrue(Metrics.FALLBACK_RESULTS.containsAll(counted));
        calls.close();
    }

    @Test
    void aHandOverWithoutAUniqueIdIsRefused() {
        CallService calls = node(opener, "node-a");
        ValidationException e = assertThrows(ValidationException.class,
                () -> calls.fallbackMessage(" ", WORDS, "+12045550123", "Jane"));
        assertTrue(e.getMessage().contains("agi_uniqueid"), e.getMessage());
        calls.close();
    }

    /** Transactions whose stores read every call as still live (a read made before another node's cut-off committed). */
    private static final class CallsReadAsLive implements Transactions {
        private final Transactions inner;

        CallsReadAsLive(Transactions inner) {
            this.inner = inner;
        }

        @Override
        public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
            return inner.inTransaction(s -> work.apply(stale(s)));
        }

        @Override
        public List<Result> inOneCommit(List<? extends java.util.function.Function<Stores, ?>> pieces) {
            return inner.inOneCommit(pieces.stream().<java.util.function.Function<Stores, ?>>map(p -> s -> p.apply(stale(s)))
                    .toList());
        }

        private static Stores stale(Stores s) {
            org.pagerline.core.call.CallStore calls = delegate(org.pagerline.core.call.CallStore.class, s.calls(), (m, args) ->
                    m.getName().equals("findByUniqueId")
                            ? s.calls().findByUniqueId((String) args[0]).map(c -> c.ended(null, null)) : null);
            return delegate(Stores.class, s, (m, args) -> m.getName().equals("calls") ? calls : null);
        }

        /** {@code target} behind {@code type}, but where {@code override} answers non-null. */
        @SuppressWarnings("unchecked")
        private static <T> T delegate(Class<T> type, T target,
                java.util.function.BiFunction<java.lang.reflect.Method, Object[], Object> override) {
            return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
                Object o = override.apply(m, args);
                if (o != null) {
                    return o;
                }
                try {
                    return m.invoke(target, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }
    }

    /**
     * Transactions whose first batched commit (the call journal's) after {@link #hold} waits until
     * released; later ones go through, so a piece written out of its call's order commits at once.
     */
    private static final class HeldCommits implements Transactions {
        private final Transactions inner;
        private final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean held;

        HeldCommits(Transactions inner) {
            this.inner = inner;
        }

        void hold() {
            held = true;
        }

        boolean awaitHolding() throws InterruptedException {
            return holding.await(10, java.util.concurrent.TimeUnit.SECONDS);
        }

        void release() {
            released.countDown();
        }

        @Override
        public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
            return inner.inTransaction(work);
        }

        @Override
        public List<Result> inOneCommit(List<? extends java.util.function.Function<Stores, ?>> pieces) {
            if (held && holding.getCount() > 0) {
                holding.countDown();
                try {
                    released.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return inner.inOneCommit(pieces);
        }
    }

    private Incident onlyIncident() {
        List<Incident> all = db.transactions().inTransaction(s -> s.incidents().list(10, false));
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    /** An urgent P1 caller on {@code node}, at {@code step}, with what the call gathered written. */
    private LiveCall urgentCallerAt(CallService node, String uid, CallStep step) {
        return UrgentCallers.urgentCallerAt(node, clock, uid, "+12045550123", step);
    }

    @Test
    void aHandOverWaitsForTheCallersPageAndItsRetryOnThisNodeRatherThanComeBetweenThem() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        IncidentOpener failsOnceWhenLetGo = new IncidentOpener() {
            @Override
            public long openFromVoicemail(VoicemailIncident v) {
                return opener.openFromVoicemail(v);
            }

            @Override
            public long openFromVoicemail(Stores s, VoicemailIncident v) {
                if (first.getAndSet(false)) {
                    entered.countDown();
                    try {
                        letGo.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("the incident could not be opened (test)");
                }
                return opener.openFromVoicemail(s, v);
            }
        };
        CallService calls = node(failsOnceWhenLetGo, "node-a");
        LiveCall live = UrgentCallers.urgentCallerAt(calls, clock, "1763900004.20", "+12045550123", CallStep.CALLBACK);
        live.call().failed(clock.instant(), "pagerline fault at callback: 510");
        SavingMessage page = calls.urgentFailedBeforeMessage(live, Priority.P1); // a fault: the script does not wait
        assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the page is being written");

        var handOver = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> calls.fallbackMessage("1763900004.20", WORDS, "+12045550123", "Jane"));
        Thread handing = waitForParkedThreadRunning(handOver);
        assertTrue(handing != null, "the hand-over waits");
        letGo.countDown(); // the page's first try fails: its retry says so on the ticket

        page.await();
        handOver.get(30, java.util.concurrent.TimeUnit.SECONDS);
        List<String> lines = lines(live.ticketId());
        int failed = indexOf(lines, "INCIDENT_FAILED");
        int handed = indexOf(lines, "FALLBACK_MESSAGE");
        assertTrue(failed >= 0 && handed > failed, "the page's retry, then the hand-over: " + lines);
        assertEquals(1, opener.opened().size(), "paged once, with the words");
        assertEquals(WORDS, opener.opened().get(0).recording());
        calls.close();
    }

    private static int indexOf(List<String> lines, String kind) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(kind + ":")) {
                return i;
            }
        }
        return -1;
    }

    /** The common pool's thread running {@code task} once it is parked (waiting), or null if it never was within 10 s. */
    private static Thread waitForParkedThreadRunning(java.util.concurrent.CompletableFuture<?> task) throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until && !task.isDone()) {
            for (var e : Thread.getAllStackTraces().entrySet()) {
                Thread t = e.getKey();
                boolean ours = java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("fallbackMessage"));
                if (ours && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                    return t;
                }
            }
            Thread.onSpinWait();
        }
        return null;
    }

    private CallService node(IncidentOpener o, String host) {
        return UrgentCallers.node(db.transactions(), db.transactions(), clock, o, host);
    }

    /** An urgent caller whose node was killed, and the node that takes the hand-over. */
    private record Restarted(LiveCall live, CallService next) {}

    /** Killed at {@code step}; the node's next start on the host has cut the call off (and paged). */
    private Restarted cutOffByARestart(IncidentOpener o, String uid, CallStep step) {
        LiveCall live = urgentCallerAt(node(o, "node-a"), uid, step);
        CallService next = node(o, "node-a");
        assertEquals(1, next.endCallsLeftLive(), "the restart's cut-off");
        return new Restarted(live, next);
    }

    /** Killed at the call-back step; the call is still live: node B has not found node A silent yet. */
    private Restarted onADeadNode(String uid) {
        return new Restarted(urgentCallerAt(node(opener, "node-a"), uid, CallStep.CALLBACK), node(opener, "node-b"));
    }

    /** The ticket's message started one contact clock: six business hours. */
    private void assertOneContactClockStarted(long ticket) {
        List<String> lines = lines(ticket);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("CLOCK_STARTED: contact: contact within 6 business hours"))
                .count(), lines.toString());
    }

    private List<String> lines(long ticket) {
        return db.transactions().inTransaction(s -> s.tickets().events(ticket)).stream()
                .map(e -> e.kind() + ": " + e.detail()).toList();
    }
}
