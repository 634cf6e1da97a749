package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What a caller waits for (a call's start, the urgent voicemail) is written before the timeline
 * lines of other calls handed in earlier, at the head of the next commit, which also carries a
 * bounded share of the rest; a call's own pieces keep their order whichever lane they are in; the
 * rest keeps the order it was handed in, and a stream of starts cannot hold it back.
 */
class CallJournalLanesTest {
    /** Each commit's pieces as they enter it, and a gate each commit waits at (with two writers, two commits at once). */
    private static final class ConcurrentCommits implements Transactions {
        final java.util.concurrent.BlockingQueue<List<Object>> entered = new java.util.concurrent.LinkedBlockingQueue<>();
        final List<List<Object>> committed = java.util.Collections.synchronizedList(new ArrayList<>());
        final Semaphore go = new Semaphore(0);
        /** Each commit's beginning and end, in order: "begin [a]", "commit [a]". */
        final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public <T> T inTransaction(Function<Stores, T> work) {
            throw new UnsupportedOperationException("the journal writes through inOneCommit");
        }

        @Override
        public List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces) {
            List<Object> labels = new ArrayList<>();
            List<Result> out = new ArrayList<>();
            for (Function<Stores, ?> p : pieces) {
                Object v = p.apply(null);
                labels.add(v);
                out.add(new Result(v, null));
            }
            events.add("begin " + labels);
            entered.add(labels);
            try {
                if (!go.tryAcquire(10, TimeUnit.SECONDS)) {
                    // never counted as committed: the test's check of the commits then fails
                    throw new IllegalStateException("the test never let this commit go: " + labels);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held: " + labels, e);
            }
            events.add("commit " + labels);
            committed.add(labels);
            return out;
        }

        /** Lets every held commit go and waits until the journal has written everything handed in. */
        void letAllGo(CallJournal journal) {
            go.release(10);
            assertTrue(journal.awaitWritten(Duration.ofSeconds(10)), "the journal wrote what was handed in");
        }

        /** {@code earlier} and {@code later} were each committed on its own, in that order. */
        void assertCommittedInOrder(String earlier, String later, String what) {
            int a = committed.indexOf(List.of(earlier));
            int b = committed.indexOf(List.of(later));
            assertTrue(a >= 0 && b > a, what + ": " + committed);
        }

        List<Object> nextCommit() throws InterruptedException {
            List<Object> c = entered.poll(10, TimeUnit.SECONDS);
            assertTrue(c != null, "no writer began a commit");
            return c;
        }
    }

    private static Function<Stores, ?> piece(String label) {
        return s -> label;
    }

    @Test
    void aStartIsWrittenBeforeOtherCallsLinesAndACallKeepsItsOrder() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx)) {
            journal.submit("X", piece("x1"), (v, e) -> { });
            tx.nextCommit();
            journal.submit("Y", piece("y1"), (v, e) -> { });
            journal.submit("X", piece("x2"), (v, e) -> { });
            journal.submit("Z", piece("z1"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "X", piece("x3, waited for"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "S", piece("start of S"), (v, e) -> { });
            journal.submit("Y", piece("y2"), (v, e) -> { });
            tx.letAllGo(journal);
        }
        assertEquals(List.of(List.of("x1"), List.of("x2", "x3, waited for", "start of S", "y1", "z1", "y2")), tx.committed);
    }

    @Test
    void aLastSaveGoesInAtOnceUnlessTheRestIsBehindThenItWaitsForACommitToTakeSome() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx)) {
            journal.submit("X", piece("x1"), (v, e) -> { });
            tx.nextCommit(); // held: everything below waits in the rest
            for (int i = 0; i < CallJournal.REST_BACKLOG; i++) {
                journal.submit("C" + i, piece("c" + i), (v, e) -> { });
            }
            journal.submitOrWaitWhileBehind("L1", piece("last of L1"), (v, e) -> { }); // the backlog is full, not over
            assertEquals(0, journal.behindWaits(), "not behind: handed in at once");

            java.util.concurrent.CompletableFuture<Void> late = java.util.concurrent.CompletableFuture.runAsync(
                    () -> journal.submitOrWaitWhileBehind("L2", piece("last of L2"), (v, e) -> { }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.behindWaits() < 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, journal.behindWaits(), "with the backlog full, the last save waits");
            assertTrue(!late.isDone(), "and is not handed in while the commit is held");

            tx.go.release(1_000);
            late.get(5, TimeUnit.SECONDS); // a commit took some of the backlog (its own wait would end after 10 s)
            assertTrue(journal.awaitWritten(Duration.ofSeconds(10)), "the journal wrote what was handed in");
        }
        List<Object> all = tx.committed.stream().flatMap(List::stream).toList();
        assertEquals(CallJournal.REST_BACKLOG + 3, all.size(), "nothing lost");
        assertTrue(all.indexOf("last of L1") < all.indexOf("last of L2"), "in the order handed in");
    }

    @Test
    void whatIsHandedInWhileTheStopDrainsTheLanesWaitsBehindTheCallsEarlierPieces() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        CallJournal journal = new CallJournal(tx);
        journal.submit("X", piece("x1"), (v, e) -> { });
        tx.nextCommit(); // held
        journal.submit("X", piece("x2"), (v, e) -> { });
        java.util.concurrent.CompletableFuture<Void> stop = java.util.concurrent.CompletableFuture.runAsync(journal::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stop.isDone() && System.nanoTime() < deadline && !journal.closing()) {
            Thread.onSpinWait();
        }
        assertTrue(journal.closing(), "the stop began");
        // a call's last save handed in while the writer still drains: queued, not written on this thread
        // ahead of x2 (that write would wait at the held commit's gate)
        java.util.concurrent.CompletableFuture.runAsync(() -> journal.submitOrWaitWhileBehind("X", piece("x3"), (v, e) -> { }))
                .get(5, TimeUnit.SECONDS);
        tx.go.release(10);
        stop.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(List.of("x1"), List.of("x2", "x3")), tx.committed, "in the order handed in, by the writer");
    }

    @Test
    void aCompletionThatThrowsAnErrorNeitherSilencesTheRestOfItsBatchNorStopsTheWriter() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        List<Object> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        try (CallJournal journal = new CallJournal(tx)) {
            journal.submit("X", piece("x1"), (v, e) -> { });
            tx.nextCommit();
            journal.submit("Y", piece("y1"), (v, e) -> {
                throw new AssertionError("a completion gone wrong");
            });
            journal.submit("Z", piece("z1"), (v, e) -> heard.add(v));
            tx.letAllGo(journal);
            journal.submit("Z", piece("z2"), (v, e) -> heard.add(v));
            assertTrue(journal.awaitWritten(Duration.ofSeconds(10)), "the one writer still writes");
        }
        assertEquals(List.of(List.of("x1"), List.of("y1", "z1"), List.of("z2")), tx.committed);
        assertEquals(List.of("z1", "z2"), heard, "the caller after the failed completion heard how its piece went");
    }

    /** A piece that takes in later joinable pieces of its call: its label lists what it writes. */
    private static final class Saves implements CallJournal.Joinable {
        final List<String> labels = new ArrayList<>();

        Saves(String label) {
            labels.add(label);
        }

        @Override
        public boolean join(CallJournal.Joinable later) {
            if (later instanceof Saves s) {
                labels.addAll(s.labels);
                return true;
            }
            return false;
        }

        @Override
        public Object apply(Stores s) {
            return String.join("+", labels);
        }
    }

    @Test
    void aCallsSaveJoinsItsLastPieceStillWaitingButNeverOneHandedInBeforeAnotherPieceOfTheCall() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        List<Object> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        try (CallJournal journal = new CallJournal(tx)) {
            journal.submit("X", piece("x0"), (v, e) -> { });
            tx.nextCommit(); // the writer is busy: what follows waits
            journal.submit("X", new Saves("x1"), (v, e) -> heard.add("x1 heard " + v));
            journal.submit("X", new Saves("x2"), (v, e) -> heard.add("x2 heard " + v));
            journal.submit("X", piece("queue event"), (v, e) -> { });
            journal.submit("X", new Saves("x3"), (v, e) -> heard.add("x3 heard " + v));
            journal.submit("Y", new Saves("y1"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "Y", piece("y start"), (v, e) -> { });
            journal.submit("Y", new Saves("y2"), (v, e) -> { });
            tx.letAllGo(journal);
            assertEquals(1, journal.joinedPieces(), "only x2 joined (x1); x3 came after the queue event, y2 after y's start");
        }
        assertEquals(List.of(List.of("x0"), List.of("y1", "y start", "x1+x2", "queue event", "x3", "y2")), tx.committed);
        assertEquals(List.of("x1 heard x1+x2", "x2 heard x1+x2", "x3 heard x3"), heard);
    }

    @Test
    void startsArrivingAllTheTimeNeverHoldBackTheCallsUnderWay() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx)) {
            journal.submit("A", piece("a: last lines"), (v, e) -> { });
            tx.nextCommit();
            journal.submit(CallJournal.Lane.WAITED_FOR, "S1", piece("start 1"), (v, e) -> { });
            journal.submit("B", piece("b: last lines"), (v, e) -> { });
            tx.go.release();
            tx.nextCommit(); // start 1, and b's lines with it
            journal.submit(CallJournal.Lane.WAITED_FOR, "S2", piece("start 2"), (v, e) -> { });
            tx.letAllGo(journal);
        }
        assertEquals(List.of(List.of("a: last lines"), List.of("start 1", "b: last lines"), List.of("start 2")),
                tx.committed);
    }

    @Test
    void aStartWaitsBehindABoundedShareOfALongBacklog() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx)) {
            journal.submit("A", piece("a"), (v, e) -> { });
            tx.nextCommit();
            for (int i = 0; i < 4 * CallJournal.MAX_REST; i++) {
                journal.submit("C" + i, piece("line " + i), (v, e) -> { });
            }
            journal.submit(CallJournal.Lane.WAITED_FOR, "S", piece("start"), (v, e) -> { });
            tx.go.release(1000);
            assertTrue(journal.awaitWritten(Duration.ofSeconds(10)));
        }
        List<Object> withStart = tx.committed.get(1);
        assertEquals("start", withStart.get(0), "the start heads the next commit");
        assertEquals(1 + CallJournal.MAX_REST, withStart.size(), "and waits behind " + CallJournal.MAX_REST + " lines at most");
        assertEquals("line 0", withStart.get(1));
        assertEquals(4 * CallJournal.MAX_REST + 2, tx.committed.stream().mapToInt(List::size).sum(), "nothing lost");
    }

    @Test
    void theRestIsWrittenInCommitsOfBoundedSizeSoAStartNeverWaitsLong() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        tx.go.release(1000);
        try (CallJournal journal = new CallJournal(tx)) {
            for (int i = 0; i < 3 * CallJournal.MAX_REST; i++) {
                journal.submit("C" + i, piece("line " + i), (v, e) -> { });
            }
            assertTrue(journal.awaitWritten(Duration.ofSeconds(10)));
        }
        assertTrue(tx.committed.size() >= 3, "at most " + CallJournal.MAX_REST + " pieces a commit: " + tx.committed.size());
        assertTrue(tx.committed.stream().allMatch(c -> c.size() <= CallJournal.MAX_REST));
        assertEquals("line 0", tx.committed.get(0).get(0));
    }

    @Test
    void withTwoWritersAStartIsCommittedWithoutOtherCallsLinesWhichTheRestsWriterTakesNext() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        int backlog = 2 * CallJournal.MAX_REST;
        try (CallJournal journal = new CallJournal(tx, 2)) {
            journal.submit("A", piece("a"), (v, e) -> { });
            assertEquals(List.of("a"), tx.nextCommit()); // one writer holds the rest
            for (int i = 0; i < backlog; i++) {
                journal.submit("C" + i, piece("line " + i), (v, e) -> { });
            }
            journal.submit(CallJournal.Lane.START, "S", piece("start"), (v, e) -> { });
            // the other writer takes the start, and nothing of the backlog with it
            assertEquals(List.of("start"), tx.nextCommit());
            tx.go.release(2);
            // the backlog, once the rest's writer is free
            assertEquals("line 0", tx.nextCommit().get(0));
            tx.go.release(1000);
            assertTrue(journal.awaitWritten(Duration.ofSeconds(10)));
        }
        List<Object> lines = tx.committed.stream().flatMap(List::stream).filter(l -> l.toString().startsWith("line"))
                .toList();
        assertEquals(backlog, lines.size(), "nothing lost");
        assertEquals(backlog, new java.util.HashSet<>(lines).size(), "nothing written twice");
    }

    @Test
    void theRestIsWrittenByOneWriterAtATimeSoWhatComesMeanwhileGoesInItsNextCommitTogether() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 4)) {
            journal.submit("A", piece("a"), (v, e) -> { });
            assertEquals(List.of("a"), tx.nextCommit());
            List<String> ends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                journal.submit("E" + i, piece("end " + i), (v, e) -> { });
                ends.add("end " + i);
            }
            // a call's last save is waited for: it wakes the writers, and three are free
            Thread last = new Thread(() -> journal.await(CallJournal.Lane.REST, "L", piece("last save")));
            last.start();
            ends.add("last save");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.unwrittenPieces() < 12 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the last save is handed in (it never blocks before that)
            }
            tx.go.release();
            assertEquals(ends, tx.nextCommit(), "the lines handed in while the rest's commit was open, in one commit");
            tx.go.release();
            last.join(10_000);
            assertEquals(List.of("begin [a]", "commit [a]", "begin " + ends, "commit " + ends), tx.events,
                    "the second commit of the rest began once the first was written, though three writers were free");
            tx.letAllGo(journal);
        }
    }

    @Test
    void aStartIsCommittedBesideAnUrgentVoicemailStillBeingWrittenNotAfterIt() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 3)) {
            journal.submit(CallJournal.Lane.WAITED_FOR, "V", piece("voicemail and incident"), (v, e) -> { });
            assertEquals(List.of("voicemail and incident"), tx.nextCommit());
            journal.submit(CallJournal.Lane.START, "S", piece("start"), (v, e) -> { });
            assertEquals(List.of("start"), tx.nextCommit(), "taken while the incident's commit is still open");
            tx.letAllGo(journal);
        }
    }

    @Test
    void startsOfTwoNumbersAreWrittenSideBySideButTwoStartsOfOneNumberOneAfterTheOther() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 4)) {
            journal.submit(CallJournal.Lane.START, "A", "+12045550101", piece("start of A"), (v, e) -> { });
            assertEquals(List.of("start of A"), tx.nextCommit());
            journal.submit(CallJournal.Lane.START, "B", "+12045550101", piece("start of B, same number"), (v, e) -> { });
            journal.submit(CallJournal.Lane.START, "C", "+12045550199", piece("start of C"), (v, e) -> { });
            assertEquals(List.of("start of C"), tx.nextCommit(), "another number's start beside A's; B's waits for A's");
            journal.submit(CallJournal.Lane.START, "D", "+12045550177", piece("start of D"), (v, e) -> { });
            journal.submit("E", piece("e lines"), (v, e) -> { });
            assertEquals(List.of("e lines"), tx.nextCommit(), "two writers on starts at most: D waits, the lines go");
            tx.letAllGo(journal);
        }
        int a = tx.committed.indexOf(List.of("start of A"));
        int b = tx.committed.stream().filter(c -> c.contains("start of B, same number")).findFirst()
                .map(tx.committed::indexOf).orElse(-1);
        assertTrue(a >= 0 && b > a, "B's start after A's: " + tx.committed);
    }

    @Test
    void withTwoWritersStartsNeverTakeBothSoTheLinesAlwaysHaveOne() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 2)) {
            journal.submit(CallJournal.Lane.START, "S1", "+12045550101", piece("start 1"), (v, e) -> { });
            assertEquals(List.of("start 1"), tx.nextCommit());
            journal.submit(CallJournal.Lane.START, "S2", "+12045550102", piece("start 2"), (v, e) -> { });
            journal.submit("R", piece("r lines"), (v, e) -> { });
            assertEquals(List.of("r lines"), tx.nextCommit(), "the other writer takes the lines, not start 2");
            tx.letAllGo(journal);
        }
        assertTrue(tx.committed.contains(List.of("start 2")), "nothing lost: " + tx.committed);
    }

    @Test
    void aResumedCallsStartWaitsForItsEarlierVoicemailStillInTheFirstLane() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 4)) {
            journal.submit(CallJournal.Lane.WAITED_FOR, "Y", piece("voicemail of Y"), (v, e) -> { });
            assertEquals(List.of("voicemail of Y"), tx.nextCommit()); // the first lane is being written
            journal.submit(CallJournal.Lane.WAITED_FOR, "X", piece("voicemail of X"), (v, e) -> { });
            journal.submit(CallJournal.Lane.START, "X", "+12045550101", piece("X handed in again"), (v, e) -> { });
            journal.submit("R", piece("r lines"), (v, e) -> { });
            assertEquals(List.of("r lines"), tx.nextCommit(), "X's new start does not go ahead of X's voicemail");
            tx.letAllGo(journal);
        }
        tx.assertCommittedInOrder("voicemail of X", "X handed in again", "the start after the voicemail, each on its own");
    }

    @Test
    void aCallsVoicemailWaitsBehindItsOwnStartStillQueuedWhileOtherWorkGoesOn() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 3)) {
            journal.submit(CallJournal.Lane.START, "Y", "+12045550101", piece("start of Y"), (v, e) -> { });
            assertEquals(List.of("start of Y"), tx.nextCommit());
            // waits: the same number's start is being written
            journal.submit(CallJournal.Lane.START, "X", "+12045550101", piece("start of X"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "X", piece("voicemail of X"), (v, e) -> { });
            journal.submit("Z", piece("z lines"), (v, e) -> { });
            assertEquals(List.of("z lines"), tx.nextCommit(), "X's voicemail is not taken before X's start");
            tx.letAllGo(journal);
        }
        tx.assertCommittedInOrder("start of X", "voicemail of X", "X's voicemail after X's start");
    }

    @Test
    void twoWritersWriteOtherCallsSideBySideButACallsPiecesOneAfterAnother() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 2)) {
            journal.submit("X", piece("x1"), (v, e) -> { });
            assertEquals(List.of("x1"), tx.nextCommit());
            journal.submit("X", piece("x2"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "Y", piece("start of Y"), (v, e) -> { });
            // the second writer takes Y's start while x1 is still being written, and leaves x2 behind it
            assertEquals(List.of("start of Y"), tx.nextCommit());
            tx.go.release(); // one of the two commits ends
            tx.go.release(); // and the other
            assertEquals(List.of("x2"), tx.nextCommit());
            tx.letAllGo(journal);
        }
        tx.assertCommittedInOrder("x1", "x2", "x2 committed after x1");
    }

    @Test
    void aCallsWaitedForPieceStaysBehindItsEarlierLinesBeingWrittenElsewhere() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 2)) {
            journal.submit("X", piece("x: greeting"), (v, e) -> { });
            assertEquals(List.of("x: greeting"), tx.nextCommit());
            journal.submit(CallJournal.Lane.WAITED_FOR, "X", piece("x: urgent voicemail"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "Z", piece("z: urgent voicemail"), (v, e) -> { });
            assertEquals(List.of("z: urgent voicemail"), tx.nextCommit(),
                    "the free writer takes another call's waited-for piece, not x's next one");
            tx.go.release(2);
            assertEquals(List.of("x: urgent voicemail"), tx.nextCommit());
            tx.letAllGo(journal);
        }
    }

    @Test
    void twoStartsAreNeverDecidedInTwoOpenTransactions() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 2)) {
            journal.submit(CallJournal.Lane.WAITED_FOR, "A", piece("start of A"), (v, e) -> { });
            assertEquals(List.of("start of A"), tx.nextCommit());
            // B calls from the same number: had its start been written beside A's, neither would see
            // the other's new ticket, and the caller would have two
            journal.submit(CallJournal.Lane.WAITED_FOR, "B", piece("start of B"), (v, e) -> { });
            journal.submit("C", piece("c: lines"), (v, e) -> { });
            assertEquals(List.of("c: lines"), tx.nextCommit(), "the free writer takes the lines, not B's start");
            tx.go.release(2);
            assertEquals(List.of("start of B"), tx.nextCommit());
            tx.letAllGo(journal);
        }
    }

    /** With two first-lane writers (the server keeps one). */
    @Test
    void urgentVoicemailsOfTwoTicketsAreWrittenSideBySideButTwoOfOneTicketOneAfterTheOther() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 4, 2)) {
            journal.submit(CallJournal.Lane.WAITED_FOR, "A", "ticket 1", piece("voicemail of A, ticket 1"), (v, e) -> { });
            assertEquals(List.of("voicemail of A, ticket 1"), tx.nextCommit());
            // B left hers on the same ticket: whether she joins A's incident is decided once A's is committed
            journal.submit(CallJournal.Lane.WAITED_FOR, "B", "ticket 1", piece("voicemail of B, ticket 1"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "C", "ticket 2", piece("voicemail of C, ticket 2"), (v, e) -> { });
            assertEquals(List.of("voicemail of C, ticket 2"), tx.nextCommit(), "another ticket's beside A's; B's waits");
            journal.submit(CallJournal.Lane.WAITED_FOR, "D", "ticket 3", piece("voicemail of D, ticket 3"), (v, e) -> { });
            journal.submit("E", piece("e lines"), (v, e) -> { });
            assertEquals(List.of("e lines"), tx.nextCommit(), "two writers on the first lane at most: D waits, the lines go");
            tx.letAllGo(journal);
        }
        int a = tx.committed.indexOf(List.of("voicemail of A, ticket 1"));
        int b = tx.committed.stream().filter(c -> c.contains("voicemail of B, ticket 1")).findFirst()
                .map(tx.committed::indexOf).orElse(-1);
        assertTrue(a >= 0 && b > a, "B's after A's: " + tx.committed);
        assertTrue(tx.committed.stream().anyMatch(c -> c.contains("voicemail of D, ticket 3")), "nothing lost: " + tx.committed);
    }

    /** With two first-lane writers (the server keeps one). */
    @Test
    void aCallsLinesTakenAlongWithItsVoicemailDoNotKeepAnotherTicketsVoicemailWaiting() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 4, 2)) {
            journal.submit("R", piece("r lines"), (v, e) -> { });
            assertEquals(List.of("r lines"), tx.nextCommit());
            // X's greeting waits in the rest behind R's commit; X's voicemail takes it along
            journal.submit("X", piece("x: greeting"), (v, e) -> { });
            journal.submit(CallJournal.Lane.WAITED_FOR, "X", "ticket 1", piece("x: voicemail, ticket 1"), (v, e) -> { });
            assertEquals(List.of("x: greeting", "x: voicemail, ticket 1"), tx.nextCommit());
            journal.submit(CallJournal.Lane.WAITED_FOR, "Y", "ticket 2", piece("y: voicemail, ticket 2"), (v, e) -> { });
            assertEquals(List.of("y: voicemail, ticket 2"), tx.nextCommit(),
                    "the lines taken along decide nothing: the second first-lane writer takes Y's");
            tx.letAllGo(journal);
        }
    }

    @Test
    void withOneFirstLaneWriterTheServersDefaultTwoTicketsVoicemailsAreWrittenOneCommitAfterTheOther() throws Exception {
        ConcurrentCommits tx = new ConcurrentCommits();
        try (CallJournal journal = new CallJournal(tx, 4)) {
            journal.submit(CallJournal.Lane.WAITED_FOR, "A", "ticket 1", piece("voicemail of A, ticket 1"), (v, e) -> { });
            assertEquals(List.of("voicemail of A, ticket 1"), tx.nextCommit());
            journal.submit(CallJournal.Lane.WAITED_FOR, "C", "ticket 2", piece("voicemail of C, ticket 2"), (v, e) -> { });
            journal.submit("E", piece("e lines"), (v, e) -> { });
            assertEquals(List.of("e lines"), tx.nextCommit(), "C's voicemail waits for A's commit; the lines go");
            tx.letAllGo(journal);
        }
        tx.assertCommittedInOrder("voicemail of A, ticket 1", "voicemail of C, ticket 2", "one first-lane commit at a time");
    }
}
