package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.UrgentCallers;

/**
 * An urgent caller who chose a priority is paged even when the server stops or dies before their
 * message is saved: the call ends as cut off (at the stop, or at the next start on the host) and,
 * in the same transaction, opens the incident the message would have, without a recording.
 */
class UrgentCallerCutOffIsPagedTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T03:00:00Z");
    private final RecordingIncidentOpener opener = new RecordingIncidentOpener();
    private final CallService calls = service(opener);

    @AfterEach
    void close() {
        db.close();
    }

    private CallService service(IncidentOpener o) {
        return new CallService(db.transactions(), new TicketService(db.transactions(), clock), new PhoneNumbers("CA"), o,
                clock, Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));
    }

    /** An urgent caller at the recording step, their priority and call-back number saved. */
    private LiveCall urgentCallerRecording(String uid, String callerId, Priority p) {
        LiveCall live = calls.start(uid, "PJSIP/trunk-" + uid, callerId, "Jane");
        live.call().enter(CallStep.URGENCY);
        live.call().urgency(clock.instant(), true, false);
        live.call().enter(CallStep.PRIORITY);
        live.call().priority(clock.instant(), p, false);
        calls.save(live);
        live.call().enter(CallStep.CALLBACK);
        live.call().callback(clock.instant(), "+12045550199", "keyed in");
        live.call().enter(CallStep.RECORDING);
        calls.save(live);
        return live;
    }

    @Test
    void anUrgentCallerStillRecordingWhenTheServerStopsIsPagedWithNoRecording() {
        LiveCall live = urgentCallerRecording("1763900001.1", "+12045550123", Priority.P1);

        calls.close();

        assertEquals(1, opener.opened().size(), "one incident for the cut-off urgent caller");
        VoicemailIncident v = opener.opened().get(0);
        assertEquals(live.ticketId(), v.ticketId());
        assertEquals(Priority.P1, v.priority(), "the priority the caller chose");
        assertNull(v.recording(), "no message was saved");
        assertEquals("+12045550199", v.callbackNumber(), "the number the caller keyed in");
        assertEquals(CallOutcome.CUT_OFF, calls.find(live.callId()).orElseThrow().outcome());
        List<String> lines = lines(live.ticketId());
        int cut = indexOf(lines, "CALL_CUT_OFF");
        int owed = indexOf(lines, "URGENT_CUT_OFF");
        assertTrue(cut >= 0 && owed > cut, lines.toString());
        assertTrue(lines.get(owed).contains("(P1)") && lines.get(owed).contains("call back +12045550199"), lines.get(owed));
        assertTrue(indexOf(lines, "INCIDENT_OPENED") > owed, lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PAGING_WITHOUT_MESSAGE") && l.contains("cut off")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("CALLBACK_DUE")), "the call-back promise runs: " + lines);
    }

    @Test
    void theNextStartPagesAnUrgentCallerAKilledRunLeftLiveOnItsCallerIdWhenNoNumberWasGiven() {
        LiveCall live = calls.start("1763900001.2", "PJSIP/trunk-2", "+12045550124", "Joe");
        live.call().urgency(clock.instant(), true, false);
        live.call().enter(CallStep.PRIORITY);
        live.call().priority(clock.instant(), Priority.P2, false);
        live.call().enter(CallStep.RINGING);
        calls.save(live);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        // killed: no close. The next run on this host:
        RecordingIncidentOpener nextOpener = new RecordingIncidentOpener();
        CallService next = service(nextOpener);

        assertEquals(1, next.endCallsLeftLive());

        assertEquals(1, nextOpener.opened().size());
        assertEquals(Priority.P2, nextOpener.opened().get(0).priority());
        assertEquals("+12045550124", nextOpener.opened().get(0).callbackNumber(), "the caller ID, a number we may call");
        assertEquals(0, next.endCallsLeftLive(), "paged once");
        assertEquals(1, nextOpener.opened().size());
        next.close();
    }

    @Test
    void aCallerWhoWasNotUrgentOrWasPutThroughOrLeftTheirMessageIsNotPagedAgain() {
        LiveCall notUrgent = calls.start("1763900001.3", "PJSIP/trunk-3", "+12045550125", "Ann");
        notUrgent.call().urgency(clock.instant(), false, false);
        notUrgent.call().enter(CallStep.RECORDING);
        calls.save(notUrgent);
        LiveCall putThrough = calls.start("1763900001.4", "PJSIP/trunk-4", "+12045550126", "Bob");
        putThrough.call().priority(clock.instant(), Priority.P1, false);
        putThrough.call().enter(CallStep.RINGING);
        calls.save(putThrough);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        long tech = db.transactions().inTransaction(s -> s.roster().insertTechnician(new org.pagerline.core.roster.Technician(
                0, "Pat", "+12045550100", null, null, java.time.ZoneId.of("America/Winnipeg")), clock.instant())).id();
        assertEquals(Acceptance.WRITTEN, calls.accept(putThrough.callId(), null, tech, java.time.Duration.ofSeconds(10)),
                "the technician pressed 1: talking to the caller");
        LiveCall messaged = urgentCallerRecording("1763900001.5", "+12045550127", Priority.P1);
        calls.messageLeft(messaged, "/rec/ticket-" + messaged.ticketId(), 12, false, true, Priority.P1);
        assertEquals(1, opener.opened().size(), "the message opened its incident");

        calls.close();

        assertEquals(1, opener.opened().size(), "nobody else was owed a page");
        assertEquals(CallOutcome.CUT_OFF, calls.find(notUrgent.callId()).orElseThrow().outcome());
        assertEquals(CallOutcome.CUT_OFF, calls.find(putThrough.callId()).orElseThrow().outcome());
        assertEquals(CallOutcome.URGENT_VOICEMAIL, calls.find(messaged.callId()).orElseThrow().outcome());
    }

    @Test
    void anIncidentThatCannotBeOpenedLeavesTheCallsEndedAndTheTicketSaysToCallBackByHand() {
        LiveCall live = urgentCallerRecording("1763900001.6", "+12045550128", Priority.P1);
        opener.failWith(new IllegalStateException("the escalation policy is unreadable"));

        calls.close();

        assertEquals(CallOutcome.CUT_OFF, calls.find(live.callId()).orElseThrow().outcome(), "the call still ends");
        List<String> lines = lines(live.ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("INCIDENT_FAILED") && l.contains("call the caller back by hand")),
                lines.toString());
        assertEquals(-1, indexOf(lines, "URGENT_CUT_OFF"), "nothing of the failed attempt stays: " + lines);
    }

    @Test
    void anotherNodeEndsTheCallsOfANodeSilentForTheDeadNodeTimeAndPagesItsUrgentCallerOnce() {
        RecordingIncidentOpener openerB = new RecordingIncidentOpener();
        CallService nodeA = node(opener, "desk1:4573");
        CallService nodeB = node(openerB, "desk2:4573");
        LiveCall live = urgentCallerAt(nodeA, "1763900001.7", "+12045550129", CallStep.CALLBACK);
        bothBeatFor35Seconds(nodeA, nodeB);
        // node A killed: node B beats on alone
        for (int i = 0; i < 6; i++) {
            assertEquals(0, beatAndLook(nodeB), "node A silent for " + 5 * i + " s only");
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(1, beatAndLook(nodeB), "node A silent for 30 s and more");

        assertEquals(CallOutcome.CUT_OFF, nodeB.find(live.callId()).orElseThrow().outcome());
        assertEquals(1, openerB.opened().size(), "node B paged node A's urgent caller");
        assertEquals(Priority.P1, openerB.opened().get(0).priority());
        List<String> lines = lines(live.ticketId());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("CALL_CUT_OFF") && l.contains("node desk1:4573 stopped answering")
                && l.contains("callback step")), lines.toString());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0, beatAndLook(nodeB), "once");
        assertEquals(1, openerB.opened().size());
        assertEquals(0, opener.opened().size(), "node A paged nobody");
        nodeB.close();
    }

    @Test
    void afterADatabaseOutageLongerThanTheDeadNodeTimeNoNodeStillAliveLosesItsCalls() {
        RecordingIncidentOpener openerB = new RecordingIncidentOpener();
        CallService nodeA = node(opener, "desk1:4573");
        CallService nodeB = node(openerB, "desk2:4573");
        LiveCall live = urgentCallerAt(nodeA, "1763900001.8", "+12045550130", CallStep.RINGING);
        bothBeatFor35Seconds(nodeA, nodeB);
        clock.advance(Duration.ofSeconds(45)); // the database away for 45 s: nobody's beat was written
        assertEquals(0, beatAndLook(nodeB), "node B back first: node A's beat is 50 s old, but so was its own");
        clock.advance(Duration.ofSeconds(2));
        beatAndLook(nodeA); // node A back, 2 s later
        for (int i = 0; i < 8; i++) {
            clock.advance(Duration.ofSeconds(5));
            assertEquals(0, beatAndLook(nodeA));
            assertEquals(0, beatAndLook(nodeB), "node A beats again");
        }
        assertNull(nodeB.find(live.callId()).orElseThrow().outcome(), "node A's call goes on");
        assertEquals(0, openerB.opened().size(), "nobody paged");
        nodeA.close();
        nodeB.close();
    }

    @Test
    void anIncidentThatCannotBeOpenedForOneCutOffCallerStillPagesTheOthers() {
        LiveCall first = urgentCallerRecording("1763900001.9", "+12045550131", Priority.P1);
        LiveCall second = urgentCallerRecording("1763900001.10", "+12045550132", Priority.P2);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        java.util.List<VoicemailIncident> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        IncidentOpener failsForTheFirst = v -> {
            if (v.ticketId() == first.ticketId()) {
                throw new IllegalStateException("the escalation policy is unreadable");
            }
            opened.add(v);
            return 500;
        };
        CallService next = service(failsForTheFirst); // the next start after a kill

        assertEquals(2, next.endCallsLeftLive());

        assertEquals(1, opened.size(), opened.toString());
        assertEquals(second.ticketId(), opened.get(0).ticketId(), "the second caller is paged");
        assertTrue(lines(second.ticketId()).stream().anyMatch(l -> l.startsWith("URGENT_CUT_OFF")), "and its lines"
                + " committed: " + lines(second.ticketId()));
        assertTrue(lines(first.ticketId()).stream().anyMatch(l -> l.startsWith("INCIDENT_FAILED")), "the first's ticket says"
                + " to call back by hand: " + lines(first.ticketId()));
        assertEquals(CallOutcome.CUT_OFF, next.find(first.callId()).orElseThrow().outcome());
        assertEquals(CallOutcome.CUT_OFF, next.find(second.callId()).orElseThrow().outcome());
        next.close();
    }

    @Test
    void aSilentRunIsClaimedOnlyWhileItsBeatIsThatOldAndByOneNode() {
        java.time.Instant t0 = clock.instant();
        db.transactions().run(s -> s.calls().runSeen("desk1:4573|a", t0));
        assertEquals(List.of("desk1:4573|a"), db.transactions().inTransaction(s -> s.calls().runsSilentSince(t0.plusSeconds(31),
                "desk2:4573|b")));
        assertTrue(!claim("desk1:4573|a", t0, t0.plusSeconds(31)), "its beat is not older than the limit");
        assertTrue(claim("desk1:4573|a", t0.plusSeconds(1), t0.plusSeconds(31)), "claimed");
        assertTrue(!claim("desk1:4573|a", t0.plusSeconds(1), t0.plusSeconds(32)), "a second node looking at once finds it taken");
        db.transactions().run(s -> s.calls().runSeen("desk1:4573|a", t0.plusSeconds(33))); // it beat after all
        db.transactions().run(s -> s.calls().forgetClaimedRun("desk1:4573|a", t0.plusSeconds(31)));
        assertEquals(List.of("desk1:4573|a"), db.transactions().inTransaction(s -> s.calls().runsSilentSince(
                t0.plusSeconds(99), "x")), "a run that beat after its claim is not forgotten");
    }

    @Test
    void aCutOffThatFailsAfterItsClaimIsTriedAgainOnceTheRunIsSilentAgain() {
        RecordingIncidentOpener openerB = new RecordingIncidentOpener();
        CallService nodeA = node(opener, "desk1:4573");
        java.util.concurrent.atomic.AtomicBoolean databaseAway = new java.util.concurrent.atomic.AtomicBoolean();
        Transactions flaky = new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
                return db.transactions().inTransaction(s -> {
                    if (databaseAway.get() && java.util.Arrays.stream(Thread.currentThread().getStackTrace())
                            .anyMatch(f -> f.getMethodName().equals("endUnfinished"))) {
                        throw new IllegalStateException("the database went away");
                    }
                    return work.apply(s);
                });
            }
        };
        CallService nodeB = UrgentCallers.node(flaky, db.transactions(), clock, openerB, "desk2:4573");
        LiveCall live = urgentCallerAt(nodeA, "1763900001.11", "+12045550133", CallStep.CALLBACK);
        bothBeatFor35Seconds(nodeA, nodeB);
        databaseAway.set(true); // node A killed; node B's cut-off fails after its claim
        for (int i = 0; i < 7; i++) {
            try {
                beatAndLook(nodeB);
            } catch (IllegalStateException expected) {
                // logged by the heartbeat; the run stays claimed, not forgotten
            }
            clock.advance(Duration.ofSeconds(5));
        }
        assertNull(nodeB.find(live.callId()).orElseThrow().outcome(), "not ended yet");
        databaseAway.set(false);
        int ended = 0;
        for (int i = 0; i < 8 && ended == 0; i++) {
            ended = beatAndLook(nodeB);
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(1, ended, "claimed again once silent again, and ended");
        assertEquals(1, openerB.opened().size(), "and its urgent caller paged");
        nodeB.close();
    }

    @Test
    void aFaultAfterTheTechnicianAcceptedPagesNobody() {
        LiveCall live = urgentCallerAt(calls, "1763900001.12", "+12045550134", CallStep.RINGING);
        long tech = db.transactions().inTransaction(s -> s.roster().insertTechnician(new org.pagerline.core.roster.Technician(
                0, "Pat", "+12045550100", null, null, java.time.ZoneId.of("America/Winnipeg")), clock.instant())).id();
        assertEquals(Acceptance.WRITTEN, calls.accept(live.callId(), null, tech, java.time.Duration.ofSeconds(10)));
        live.call().failed(clock.instant(), "pagerline fault at ringing: a garbled DIALSTATUS");

        calls.urgentFailedBeforeMessage(live, Priority.P1).await();

        assertEquals(0, opener.opened().size(), "the caller was put through");
        assertEquals(CallOutcome.FAILED, calls.find(live.callId()).orElseThrow().outcome());
    }

    @Test
    void aFaultBeforeTheMessagePagesTheCallerOnce() {
        LiveCall live = urgentCallerAt(calls, "1763900001.13", "+12045550135", CallStep.CALLBACK);
        live.call().failed(clock.instant(), "pagerline fault at callback: 510");

        calls.urgentFailedBeforeMessage(live, Priority.P1).await();
        calls.close();

        assertEquals(1, opener.opened().size(), "paged once: the failed call is not cut off again");
        assertTrue(lines(live.ticketId()).stream().anyMatch(l -> l.startsWith("URGENT_FAILED")), lines(live.ticketId()).toString());
    }

    private boolean claim(String run, java.time.Instant before, java.time.Instant now) {
        Boolean claimed = db.transactions().inTransaction(s -> s.calls().claimSilentRun(run, before, now));
        return claimed;
    }

    /** Both nodes beat (and look) every 5 s for 35 s: neither ends the other's calls. */
    private void bothBeatFor35Seconds(CallService nodeA, CallService nodeB) {
        for (int i = 0; i < 8; i++) {
            assertEquals(0, beatAndLook(nodeA));
            assertEquals(0, beatAndLook(nodeB), "node A beats: it still serves");
            clock.advance(Duration.ofSeconds(5));
        }
    }

    /** A beat of {@code node}'s heartbeat and its look for silent nodes; how many calls the look ended. */
    private static int beatAndLook(CallService node) {
        node.beat(DEAD_AFTER);
        return node.endCallsOfSilentNodes(DEAD_AFTER);
    }

    private static final Duration DEAD_AFTER = Duration.ofSeconds(30);

    private LiveCall urgentCallerAt(CallService node, String uid, String callerId, CallStep step) {
        return UrgentCallers.urgentCallerAt(node, clock, uid, callerId, step);
    }

    private CallService node(IncidentOpener o, String host) {
        return UrgentCallers.node(db.transactions(), db.transactions(), clock, o, host);
    }


    private static int indexOf(List<String> lines, String kind) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(kind + ":")) {
                return i;
            }
        }
        return -1;
    }

    private List<String> lines(long ticket) {
        return db.transactions().inTransaction(s -> s.tickets().events(ticket)).stream()
                .map(e -> e.kind() + ": " + e.detail()).toList();
    }
}
