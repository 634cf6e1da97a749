package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * Two urgent voicemails on one ticket (the same caller on two lines) are decided one after the
 * other: the second, handed in while the first's incident is still being committed, sees it once
 * committed and joins it (one incident, paged for once, playing her newest message); another
 * ticket's voicemail handed in meanwhile opens its own. The server writes the first lane one
 * commit at a time, so both wait for the first's commit and go in the next one together.
 */
class TwoUrgentVoicemailsOnOneTicketMakeOneIncidentTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T21:00:00-06:00");

    @AfterEach
    void close() {
        db.close();
    }

    /**
     * The real transactions; while {@code hold} is set, each of the journal's commits does its work,
     * says which tickets had an open incident as its transaction saw them, and waits before committing.
     */
    private static final class HeldBeforeCommit implements Transactions {
        final Transactions real;
        volatile boolean hold;
        final Semaphore go = new Semaphore(0);
        final BlockingQueue<Set<Long>> seen = new LinkedBlockingQueue<>();

        HeldBeforeCommit(Transactions real) {
            this.real = real;
        }

        @Override
        public <T> T inTransaction(Function<Stores, T> work) {
            return real.inTransaction(work);
        }

        @Override
        public List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces) {
            if (!hold) {
                return real.inOneCommit(pieces);
            }
            List<Function<Stores, ?>> held = new ArrayList<>(pieces);
            Function<Stores, ?> last = held.remove(held.size() - 1);
            held.add(s -> {
                Object v = last.apply(s);
                seen.add(s.incidents().list(100, true).stream().map(Incident::ticketId).collect(Collectors.toSet()));
                try {
                    assertTrue(go.tryAcquire(10, TimeUnit.SECONDS), "the test never let the commit go");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            });
            return real.inOneCommit(held);
        }
    }

    @Test
    void aSecondVoicemailOnTheTicketWaitsForTheFirstsIncidentAndJoinsIt() throws Exception {
        HeldBeforeCommit tx = new HeldBeforeCommit(db.transactions());
        IncidentService incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
        CallService calls = new CallService(tx, new TicketService(tx, clock), new PhoneNumbers("CA"), incidents, clock,
                Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));
        try {
            LiveCall a = calls.start("1764900000.1", "PJSIP/trunk-1", "+12045550123", "Jane");
            LiveCall b = calls.start("1764900000.2", "PJSIP/trunk-2", "+12045550123", "Jane");
            LiveCall c = calls.start("1764900000.3", "PJSIP/trunk-3", "+12045550199", "Omar");
            assertEquals(a.ticketId(), b.ticketId(), "Jane's second line is on her open ticket");
            assertNotEquals(a.ticketId(), c.ticketId());
            for (LiveCall l : List.of(a, b, c)) {
                l.call().callback(clock.instant(), l.callerE164().orElseThrow(), "caller ID, confirmed");
            }

            tx.hold = true;
            SavingMessage ma = calls.leaveMessage(a, "/spool/a", 20, false, true, Priority.P1);
            assertEquals(Set.of(a.ticketId()), tx.seen.poll(10, TimeUnit.SECONDS), "Jane's first incident, not committed");
            SavingMessage mb = calls.leaveMessage(b, "/spool/b", 15, false, true, Priority.P1);
            SavingMessage mc = calls.leaveMessage(c, "/spool/c", 10, false, true, Priority.P2);
            tx.go.release(); // Jane's first incident commits
            assertEquals(Set.of(a.ticketId(), c.ticketId()), tx.seen.poll(10, TimeUnit.SECONDS),
                    "the next commit saw Jane's incident committed and opened Omar's; her second joined hers");
            tx.hold = false;
            tx.go.release(100);
            ma.await();
            mb.await();
            mc.await();

            List<Incident> open = db.transactions().inTransaction(s -> s.incidents().list(100, true));
            assertEquals(1, open.stream().filter(i -> i.ticketId() == a.ticketId()).count(),
                    "Jane's second voicemail joined her first incident: " + open);
            assertEquals(1, open.stream().filter(i -> i.ticketId() == c.ticketId()).count(), open.toString());
            Incident jane = open.stream().filter(i -> i.ticketId() == a.ticketId()).findFirst().orElseThrow();
            assertEquals("/spool/b", jane.caller().recording(), "the joined incident plays her newest message");
        } finally {
            calls.close();
        }
    }
}
