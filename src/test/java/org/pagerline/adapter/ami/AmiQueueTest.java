package org.pagerline.adapter.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.queue.QueueMember;
import org.pagerline.core.queue.WaitingCaller;
import org.pagerline.service.QueueService;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;

class AmiQueueTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final String ALICE = "PJSIP/12045550101@trunk";
    private static final String BOB = "PJSIP/12045550102@trunk";
    private final AmiFixture f = new AmiFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void onConnectTheMembersBecomeExactlyTheSignedInTechniciansLeavingStaticOnesAlone() {
        f.tech("Alice Tremblay", "+12045550101");
        f.tech("Bob Singh", "+12045550102");
        f.queue.signIn("Alice Tremblay");
        f.fake.addMember("PJSIP/19995550000@trunk", "Left over from yesterday", false);
        f.fake.addMember("PJSIP/desk-phone", "Front desk", true);
        f.fake.start();

        f.connect(f.fake.port());

        Eventually.await(LIMIT, "Alice added, stranger removed",
                () -> f.fake.members().equals(Set.of(ALICE, "PJSIP/desk-phone")));
        List<FakeAmi.Action> adds = f.fake.actions("QueueAdd");
        assertEquals(1, adds.size());
        assertEquals("helpdesk", adds.get(0).get("Queue"));
        assertEquals("Alice Tremblay", adds.get(0).get("MemberName"));
        List<FakeAmi.Action> removes = f.fake.actions("QueueRemove");
        assertEquals(1, removes.size());
        assertEquals("PJSIP/19995550000@trunk", removes.get(0).get("Interface"));
        f.drain();
        QueueService.QueueView v = f.queue.view();
        assertEquals("up", v.link().orElseThrow().state());
        assertTrue(v.members().stream().anyMatch(m -> "Alice Tremblay".equals(m.technicianName())
                && m.memberInterface().equals(ALICE)), v.members().toString());
    }

    @Test
    void aSignInOrOutMadeFromTheCommandLineReachesTheRunningServerAtTheNextReconcile() {
        f.tech("Alice Tremblay", "+12045550101");
        f.tech("Bob Singh", "+12045550102");
        f.fake.start();
        f.connect(f.fake.port(), "ami.reconcile-interval", "100ms");
        f.awaitUp();

        f.queue.signIn("Bob Singh"); // as `pagerline queue signin` does, in another process: only the database changes
        Eventually.await(LIMIT, "Bob becomes a member", () -> f.fake.members().equals(Set.of(BOB)));

        f.queue.signIn("Alice Tremblay");
        f.queue.signOut("Bob Singh");
        Eventually.await(LIMIT, "Alice in, Bob out", () -> f.fake.members().equals(Set.of(ALICE)));
    }

    @Test
    void membersLeaveWhenTheDeskClosesAndComeBackWhenItOpens() {
        f.tech("Alice Tremblay", "+12045550101");
        f.queue.signIn("Alice Tremblay");
        f.clock.set(java.time.OffsetDateTime.parse("2026-11-23T16:59:00-06:00").toInstant());
        f.fake.start();
        f.connect(f.fake.port());
        Eventually.await(LIMIT, "Alice is a member while open", () -> f.fake.members().equals(Set.of(ALICE)));

        f.clock.advance(Duration.ofMinutes(2)); // 17:01, closed
        f.amiQueue.reconcileSoon();
        Eventually.await(LIMIT, "nobody after closing", () -> f.fake.members().isEmpty());

        f.clock.set(java.time.OffsetDateTime.parse("2026-11-24T08:00:00-06:00").toInstant()); // Tuesday opening
        f.amiQueue.reconcileSoon();
        Eventually.await(LIMIT, "Alice back at opening", () -> f.fake.members().equals(Set.of(ALICE)));
    }

    @Test
    void queueEventsReachTheTicketsWithPositionsWaitsAndWhoAnswered() {
        f.tech("Alice Tremblay", "+12045550101");
        f.queue.signIn("Alice Tremblay");
        f.fake.start();
        f.connect(f.fake.port());
        Eventually.await(LIMIT, "Alice is a member", () -> f.fake.members().equals(Set.of(ALICE)));

        f.fake.emit(FakeAmi.event("QueueCallerJoin", "Channel", "PJSIP/trunk-1", "Uniqueid", "1700.1",
                "CallerIDNum", "+12045559001", "CallerIDName", "Acme Front", "Queue", "helpdesk", "Position", "1", "Count", "1"));
        f.fake.emit(FakeAmi.event("QueueCallerJoin", "Channel", "PJSIP/trunk-2", "Uniqueid", "1700.2",
                "CallerIDNum", "+12045559002", "CallerIDName", "Beta Corp", "Queue", "helpdesk", "Position", "2", "Count", "2"));
        f.fake.emit(FakeAmi.event("QueueCallerJoin", "Channel", "PJSIP/trunk-3", "Uniqueid", "1700.3",
                "CallerIDNum", "+12045559003", "CallerIDName", "Gamma", "Queue", "helpdesk", "Position", "3", "Count", "3"));
        f.fake.emit(FakeAmi.event("QueueCallerJoin", "Channel", "PJSIP/trunk-9", "Uniqueid", "1700.9",
                "CallerIDNum", "+12045559009", "Queue", "sales", "Position", "1", "Count", "1"));
        Eventually.await(LIMIT, "three joins", () -> f.callEvents.size() == 3);
        assertEquals(List.of(
                "1700.1 QUEUE_JOINED joined the queue at position 1 of 1",
                "1700.2 QUEUE_JOINED joined the queue at position 2 of 2",
                "1700.3 QUEUE_JOINED joined the queue at position 3 of 3"), f.callEvents);

        f.fake.emit(FakeAmi.event("AgentCalled", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "DestChannel", "PJSIP/trunk-77", "Interface", ALICE, "MemberName", "Alice Tremblay"));
        f.fake.emit(FakeAmi.event("AgentConnect", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "DestChannel", "PJSIP/trunk-77", "Interface", ALICE, "MemberName", "Alice Tremblay", "HoldTime", "65",
                "RingTime", "4"));
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-1", "Uniqueid", "1700.1", "Queue", "helpdesk",
                "Position", "1", "Count", "2"));
        f.fake.emit(FakeAmi.event("QueueCallerAbandon", "Channel", "PJSIP/trunk-3", "Uniqueid", "1700.3", "Queue", "helpdesk",
                "Position", "2", "OriginalPosition", "3", "HoldTime", "252"));
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-3", "Uniqueid", "1700.3", "Queue", "helpdesk",
                "Position", "2", "Count", "1"));
        Eventually.await(LIMIT, "answer and abandon told", () -> f.callEvents.size() == 5);
        assertEquals(List.of(
                "1700.1 QUEUE_ANSWERED answered by Alice Tremblay after 1m05s in the queue",
                "1700.3 QUEUE_LEFT left the queue unanswered at position 2 after 4m12s (joined at position 3)"),
                f.callEvents.subList(3, 5));

        // the live view: caller 2 moved up to position 1
        f.drain();
        List<WaitingCaller> waiting = f.queue.view().callers();
        assertEquals(1, waiting.size());
        assertEquals("1700.2", waiting.get(0).uniqueId());
        assertEquals(1, waiting.get(0).position());
        assertEquals("+12045559002", waiting.get(0).callerNumber());
        QueueMember alice = f.queue.view().members().stream().filter(m -> m.memberInterface().equals(ALICE))
                .findFirst().orElseThrow();
        assertEquals("IN_USE", alice.state());

        // leaving unanswered (wait limit reached, off to voicemail): told with the wait measured by pagerline
        f.clock.advance(Duration.ofSeconds(300));
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-2", "Uniqueid", "1700.2", "Queue", "helpdesk",
                "Position", "1", "Count", "0"));
        awaitLeft("1700.2");
        f.clock.advance(AmiQueue.LEAVE_GRACE); // no answer follows the leave
        sweep();
        Eventually.await(LIMIT, "left told", () -> f.callEvents.size() == 6);
        assertEquals("1700.2 QUEUE_LEFT left the queue unanswered at position 1 after 5m00s", f.callEvents.get(5));
        f.drain();
        assertTrue(f.queue.view().callers().isEmpty());
    }

    /**
     * A member's phone that rang out, or answered without the technician's 1 (the dialplan's
     * accept key let their voicemail go): the caller's ticket says so, with the member's name
     * and how long it rang (Asterisk 22 gives RingTime in milliseconds), and the caller waits on.
     */
    @Test
    void aTechnicianWhoDidNotTakeAQueueCallIsNamedOnTheCallersTicket() {
        connectWithAlice();
        join("1700.1", 1);
        f.fake.emit(FakeAmi.event("AgentCalled", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "DestChannel", "Local/12045550101@pagerline-members-0001;1", "Interface", ALICE, "MemberName", "Alice Tremblay"));
        f.fake.emit(FakeAmi.event("AgentRingNoAnswer", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "DestChannel", "Local/12045550101@pagerline-members-0001;1", "DestUniqueid", "1700.7", "Interface", ALICE,
                "MemberName", "Alice Tremblay", "RingTime", "9512"));
        Eventually.await(LIMIT, "not taken told", () -> f.callEvents.size() == 2);
        assertEquals("1700.1 QUEUE_NOT_TAKEN Alice Tremblay did not take the call (rang 9s)", f.callEvents.get(1));
        f.drain();
        assertEquals(List.of("1700.1"), f.queue.view().callers().stream().map(WaitingCaller::uniqueId).toList(),
                "the caller still waits in the queue");
    }

    /** Asterisk 22's order for an answered caller: QueueCallerLeave, then AgentConnect. */
    @Test
    void anAnsweredCallerIsNotAlsoToldAsLeftUnansweredWhenTheLeaveComesBeforeTheAnswer() {
        connectWithAlice();
        join("1700.1", 1);
        f.clock.advance(Duration.ofSeconds(42));
        f.fake.emit(FakeAmi.event("AgentCalled", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "DestChannel", "Local/12045550101@pagerline-members-0001;1", "Interface", ALICE, "MemberName", "Alice Tremblay"));
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-1", "Uniqueid", "1700.1", "Queue", "helpdesk",
                "Position", "1", "Count", "0"));
        f.fake.emit(FakeAmi.event("AgentConnect", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "DestChannel", "Local/12045550101@pagerline-members-0001;1", "Interface", ALICE, "MemberName",
                "Alice Tremblay", "HoldTime", "42", "RingTime", "3"));
        Eventually.await(LIMIT, "answer told", () -> f.callEvents.size() == 2);
        f.clock.advance(AmiQueue.LEAVE_GRACE.multipliedBy(3));
        sweep();

        assertEquals(List.of("1700.1 QUEUE_JOINED joined the queue at position 1 of 1",
                "1700.1 QUEUE_ANSWERED answered by Alice Tremblay after 42s in the queue"), f.callEvents);
    }

    /** The order older Asterisk versions used, and Asterisk 22's for an abandon: the leave comes last. */
    @Test
    void anAnsweredOrAbandonedCallerIsToldOnceWhenTheLeaveComesLast() {
        connectWithAlice();
        join("1700.1", 1);
        join("1700.2", 2);
        f.fake.emit(FakeAmi.event("AgentConnect", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                "Interface", ALICE, "MemberName", "Alice Tremblay", "HoldTime", "7", "RingTime", "3"));
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-1", "Uniqueid", "1700.1", "Queue", "helpdesk",
                "Position", "1", "Count", "1"));
        f.fake.emit(FakeAmi.event("QueueCallerAbandon", "Channel", "PJSIP/trunk-2", "Uniqueid", "1700.2", "Queue", "helpdesk",
                "Position", "1", "OriginalPosition", "2", "HoldTime", "30"));
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-2", "Uniqueid", "1700.2", "Queue", "helpdesk",
                "Position", "1", "Count", "0"));
        Eventually.await(LIMIT, "answer and abandon told", () -> f.callEvents.size() == 4);
        f.clock.advance(AmiQueue.LEAVE_GRACE.multipliedBy(3));
        sweep();

        assertEquals(List.of("1700.1 QUEUE_ANSWERED answered by Alice Tremblay after 7s in the queue",
                "1700.2 QUEUE_LEFT left the queue unanswered at position 1 after 30s (joined at position 2)"),
                f.callEvents.subList(2, f.callEvents.size()));
    }

    @Test
    void aCallerWhoLeavesWithNoAnswerIsToldAsLeftUnansweredWithThePositionAndWaitAtTheLeave() {
        connectWithAlice();
        join("1700.3", 1);
        f.clock.advance(Duration.ofSeconds(600)); // line.queue-wait-limit: off to leave a message
        f.fake.emit(FakeAmi.event("QueueCallerLeave", "Channel", "PJSIP/trunk-3", "Uniqueid", "1700.3", "Queue", "helpdesk",
                "Position", "1", "Count", "0"));
        awaitLeft("1700.3");
        f.clock.advance(AmiQueue.LEAVE_GRACE.minusSeconds(1));
        sweep();
        assertEquals(1, f.callEvents.size(), "an answer may still follow: " + f.callEvents);

        f.clock.advance(Duration.ofSeconds(1));
        sweep();
        assertEquals("1700.3 QUEUE_LEFT left the queue unanswered at position 1 after 10m00s", f.callEvents.get(1));
        assertEquals(2, f.callEvents.size());
    }

    private void connectWithAlice() {
        f.tech("Alice Tremblay", "+12045550101");
        f.queue.signIn("Alice Tremblay");
        f.fake.start();
        f.connect(f.fake.port());
        Eventually.await(LIMIT, "Alice is a member", () -> f.fake.members().equals(Set.of(ALICE)));
    }

    private void join(String uid, int position) {
        int before = f.callEvents.size();
        f.fake.emit(FakeAmi.event("QueueCallerJoin", "Channel", "PJSIP/trunk-" + uid, "Uniqueid", uid,
                "CallerIDNum", "+1204555900" + position, "Queue", "helpdesk", "Position", Integer.toString(position),
                "Count", Integer.toString(position)));
        Eventually.await(LIMIT, "join told", () -> f.callEvents.size() == before + 1);
    }

    /** Waits until the ami-worker has handled the caller's QueueCallerLeave (they are gone from the live view). */
    private void awaitLeft(String uid) {
        Eventually.await(LIMIT, uid + "'s leave handled",
                () -> f.queue.view().callers().stream().noneMatch(c -> c.uniqueId().equals(uid)));
        f.drain(); // the rest of that event's handling, on the same worker, is done too
    }

    /** Runs the leave sweep on the ami-worker now (it also runs every second by itself) and waits for it. */
    private void sweep() {
        f.session.submit(f.amiQueue::concludeLeaves);
        f.drain();
    }

    @Test
    void callersAlreadyWaitingAtConnectShowInTheLiveView() {
        f.fake.addWaitingCaller("1700.5", "+12045559005", 1, 90);
        f.fake.start();
        f.connect(f.fake.port());
        f.awaitUp();
        f.drain();
        WaitingCaller c = f.queue.view().callers().get(0);
        assertEquals("1700.5", c.uniqueId());
        assertEquals(f.clock.instant().minusSeconds(90), c.since());
    }

    @Test
    void whenAsteriskIsDownAtStartPagerlineCarriesOnAndConnectsOnceItComesUp() {
        f.tech("Alice Tremblay", "+12045550101");
        f.queue.signIn("Alice Tremblay");
        int port = Ports.free();

        f.connect(port); // nothing listens there yet
        Eventually.await(LIMIT, "link recorded down",
                () -> f.queue.view().link().map(l -> l.state().equals("down")).orElse(false));
        assertFalse(f.session.isUp());

        f.fake.startOn(port);
        f.awaitUp();
        Eventually.await(LIMIT, "members reconciled after the late connect", () -> f.fake.members().equals(Set.of(ALICE)));
        f.drain();
        assertEquals("up", f.queue.view().link().orElseThrow().state());
    }

    @Test
    void aDroppedLinkIsReconnectedAndTheQueueReconciledAgain() {
        f.tech("Alice Tremblay", "+12045550101");
        f.queue.signIn("Alice Tremblay");
        f.fake.start();
        f.connect(f.fake.port());
        Eventually.await(LIMIT, "Alice is a member", () -> f.fake.members().equals(Set.of(ALICE)));
        int statusBefore = f.fake.actions("QueueStatus").size();

        f.fake.dropConnections();
        // the sign-out happens while the link is down
        f.queue.signOut("Alice Tremblay");

        Eventually.await(LIMIT, "logged in again", () -> f.fake.logins() == 2 && f.session.isUp());
        Eventually.await(LIMIT, "reconciled after reconnect", () -> f.fake.members().isEmpty());
        assertTrue(f.fake.actions("QueueStatus").size() > statusBefore);
        assertEquals(1, f.fake.sessionCount());
    }
}
