package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.Stores;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/** A transaction's timeline lines, written together at its end, on the H2 file as the server opens it. */
class TimelineLinesTest {
    static final Instant AT = Instant.parse("2026-12-03T03:00:00Z");

    @TempDir
    Path dir;

    @Test
    void twoTransactionsAddingLinesToTheSameTicketsInOppositeOrdersBothCommit() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long one = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            long two = tx.inTransaction(s -> newTicket(s, "+12045550102"));
            // both have added their first line before either adds its second (a page claim and a
            // call's save touching the same two tickets): written as they came, that is a deadlock
            CyclicBarrier bothAddedTheirFirst = new CyclicBarrier(2);
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> lines(tx, "A", bothAddedTheirFirst, one, two));
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> lines(tx, "B", bothAddedTheirFirst, two, one));
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
            for (long t : List.of(one, two)) {
                List<String> kinds = tx.inTransaction(s -> s.tickets().events(t)).stream().map(TicketEvent::kind)
                        .filter(k -> k.startsWith("LINE_")).sorted().toList();
                assertEquals(List.of("LINE_A", "LINE_B"), kinds, "ticket " + t);
            }
        }
    }

    @Test
    void twoCommitsWhosePiecesAddLinesToTheSameTicketsInOppositeOrdersRunEachPieceOnce() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            piecesInOtherOrdersRunOnce(db.transactions());
        }
    }

    /** Also run on PostgreSQL ({@code PostgresStoreIT}), where a deadlock costs a second and undoes a piece. */
    static void piecesInOtherOrdersRunOnce(Transactions tx) throws Exception {
        long one = tx.inTransaction(s -> newTicket(s, "+12045550101"));
        long two = tx.inTransaction(s -> newTicket(s, "+12045550102"));
        // the journal's commit of two calls' lines and the engine's of two incidents' pages, on the
        // same two tickets in the other order, each first piece written before either second piece
        // begins: touched as each piece ends, that is a deadlock, and H2 rolls a whole commit back
        // (under load the same commit lost again on each retry, and its lines were lost)
        java.util.concurrent.CountDownLatch bothWroteTheirFirst = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        CompletableFuture<List<Transactions.Result>> a = CompletableFuture.supplyAsync(
                () -> piecesOnTwoTickets(tx, "A", bothWroteTheirFirst, runs, one, two));
        CompletableFuture<List<Transactions.Result>> b = CompletableFuture.supplyAsync(
                () -> piecesOnTwoTickets(tx, "B", bothWroteTheirFirst, runs, two, one));
        for (Transactions.Result r : a.get(60, TimeUnit.SECONDS)) {
            assertNull(r.failure());
        }
        for (Transactions.Result r : b.get(60, TimeUnit.SECONDS)) {
            assertNull(r.failure());
        }
        assertEquals(4, runs.get(), "a piece ran again: its commit was rolled back as a deadlock's victim");
        for (long t : List.of(one, two)) {
            List<String> kinds = tx.inTransaction(s -> s.tickets().events(t)).stream().map(TicketEvent::kind)
                    .filter(k -> k.startsWith("LINE_")).sorted().toList();
            assertEquals(List.of("LINE_A", "LINE_B"), kinds, "ticket " + t);
            assertEquals(AT.plusSeconds(11), tx.inTransaction(s -> s.tickets().find(t)).orElseThrow().updatedAt(),
                    "ticket " + t + "'s updated_at is its newest line's");
        }
    }

    private static List<Transactions.Result> piecesOnTwoTickets(Transactions tx, String who,
            java.util.concurrent.CountDownLatch bothWroteTheirFirst, java.util.concurrent.atomic.AtomicInteger runs,
            long first, long second) {
        return tx.inOneCommit(List.of(
                s -> {
                    runs.incrementAndGet();
                    s.tickets().addEvent(first, AT.plusSeconds(10), "LINE_" + who, "first");
                    return null;
                },
                s -> {
                    runs.incrementAndGet();
                    bothWroteTheirFirst.countDown();
                    try {
                        bothWroteTheirFirst.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    s.tickets().addEvent(second, AT.plusSeconds(11), "LINE_" + who, "second");
                    return null;
                }));
    }

    @Test
    void aCommitThatLosesADeadlockInTheMiddleOfItsTouchesIsTriedAgainAndTheDatabaseStaysOpen() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long a = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            long b = tx.inTransaction(s -> newTicket(s, "+12045550102"));
            long c = tx.inTransaction(s -> newTicket(s, "+12045550103"));
            // The other transaction (a ticket's life save, say) holds B and waits for A; this commit holds A
            // (it changed the ticket), then touches A, B and C at its end and meets B: it is the deadlock's
            // victim, H2 rolls it back whole (and its JDBC batch goes on to C), and the commit is tried again
            // in full. Ordered touches do not stop such a cycle: the life saves lock tickets in their pieces'
            // order.
            java.util.concurrent.CountDownLatch aHeld = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch bHeld = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<Thread> other = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean firstAttempt = new java.util.concurrent.atomic.AtomicBoolean(true);
            // H2 makes the youngest transaction of a cycle its victim: this commit begins after the other
            CompletableFuture<Void> holdsBWantsA = CompletableFuture.runAsync(() -> tx.inTransactionRetryingConflicts(s -> {
                other.set(Thread.currentThread());
                s.tickets().update(s.tickets().find(b).orElseThrow().touchedAt(AT.plusSeconds(1)));
                bHeld.countDown();
                try {
                    aHeld.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.tickets().update(s.tickets().find(a).orElseThrow().touchedAt(AT.plusSeconds(1)));
                return null;
            }));
            java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
            bHeld.await(10, TimeUnit.SECONDS);
            List<Transactions.Result> results = tx.inOneCommit(List.of(s -> {
                attempts.incrementAndGet();
                s.tickets().update(s.tickets().find(a).orElseThrow().touchedAt(AT.plusSeconds(2)));
                for (long t : List.of(a, b, c)) {
                    s.tickets().addEvent(t, AT.plusSeconds(20), "LINE", "touches " + t);
                }
                if (firstAttempt.getAndSet(false)) {
                    aHeld.countDown();
                    // the other waits for A before this commit's touches begin
                    org.pagerline.testkit.Eventually.await(java.time.Duration.ofSeconds(10), "the other to wait for A",
                            () -> other.get().getState() == Thread.State.WAITING
                                    || other.get().getState() == Thread.State.TIMED_WAITING);
                }
                return null;
            }));
            holdsBWantsA.get(60, TimeUnit.SECONDS);
            assertNull(results.get(0).failure(), () -> "the commit failed: " + results.get(0).failure());
            assertEquals(2, attempts.get(), "the commit lost the deadlock once and was tried again");
            for (long t : List.of(a, b, c)) {
                assertEquals(List.of("LINE"), tx.inTransaction(s -> s.tickets().events(t)).stream().map(TicketEvent::kind)
                        .filter("LINE"::equals).toList(), "ticket " + t);
                assertEquals(AT.plusSeconds(20), tx.inTransaction(s -> s.tickets().find(t)).orElseThrow().updatedAt());
            }
        }
    }

    @Test
    void aPieceUndoneAfterAStatementOnTheTicketsKeepsTheTouchesOfThePiecesBeforeIt() {
        aLineStandsThoughTheNextPieceIsUndone((s, t) -> {
            // reads the ticket (its updated_at moved by the first piece's line), then fails
            assertEquals(AT.plusSeconds(5), s.tickets().find(t).orElseThrow().updatedAt());
            throw new IllegalStateException("the piece failed after reading the ticket");
        });
    }

    /**
     * One commit of two pieces on one ticket: the first adds a line at AT+5 and stands, the second
     * ({@code undone}) fails; the line still moves the ticket's {@code updated_at} to AT+5.
     */
    private void aLineStandsThoughTheNextPieceIsUndone(java.util.function.BiConsumer<Stores, Long> undone) {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long t = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            List<Transactions.Result> results = tx.inOneCommit(List.of(
                    s -> {
                        s.tickets().addEvent(t, AT.plusSeconds(5), "FIRST", "stands");
                        return 1;
                    },
                    s -> {
                        undone.accept(s, t);
                        return 2;
                    }));
            assertNull(results.get(0).failure());
            assertNotNull(results.get(1).failure());
            assertEquals(AT.plusSeconds(5), tx.inTransaction(s -> s.tickets().find(t)).orElseThrow().updatedAt(),
                    "the first piece's line still moves the ticket's updated_at");
        }
    }

    @Test
    void linesAddedEarlierInTheTransactionAreSeenByItsReads() {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long t = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            Instant later = AT.plusSeconds(90);
            tx.inTransaction(s -> {
                s.tickets().addEvent(t, later, "PAGE_HELD", "held");
                assertEquals(List.of("PAGE_HELD"), s.tickets().events(t).stream().map(TicketEvent::kind).toList());
                assertEquals(later, s.tickets().find(t).orElseThrow().updatedAt(), "the ticket's updated_at moved with its line");
                return null;
            });
        }
    }

    @Test
    void aTicketsLifeReadAndSavedBetweenItsLinesWritesThemInOneInsertAndOneTouch() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); java.sql.Connection asker = db.database().dataSource().getConnection()) {
            Transactions tx = db.transactions();
            long t = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            try (java.sql.Statement st = asker.createStatement()) {
                st.execute("SET QUERY_STATISTICS TRUE"); // counts each statement text run from now on
            }
            // an urgent voicemail's commit: the call's lines, then the ticket's life read and saved (the
            // save moves updated_at forward, as a touch does), the clocks' check, the ticket read by its
            // id, then the incident's line
            tx.inTransaction(s -> {
                s.tickets().addEvent(t, AT.plusSeconds(5), "CALL_STEP", "the caller chose P1");
                var life = s.tickets().life(t).orElseThrow();
                assertEquals(true, s.tickets().saveLife(life, life, AT.plusSeconds(600), AT.plusSeconds(4)), "the life saved");
                var saved = s.tickets().life(t).orElseThrow();
                assertEquals(true, s.tickets().saveClocks(saved, AT.plusSeconds(900)), "the clock check saved");
                // the ticket read by its id, as the incident is opened: its updated_at as if the line were written
                assertEquals(AT.plusSeconds(5), s.tickets().find(t).orElseThrow().updatedAt());
                s.tickets().addEvent(t, AT.plusSeconds(6), "INCIDENT_OPENED", "incident opened");
                return null;
            });
            assertEquals(List.of("CALL_STEP", "INCIDENT_OPENED"), tx.inTransaction(s -> s.tickets().events(t)).stream()
                    .map(TicketEvent::kind).toList());
            assertEquals(AT.plusSeconds(6), tx.inTransaction(s -> s.tickets().find(t)).orElseThrow().updatedAt());
            java.util.Map<String, Long> runs = new java.util.HashMap<>();
            try (java.sql.Statement st = asker.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS")) {
                while (rs.next()) {
                    runs.merge(rs.getString(1).startsWith("INSERT INTO ticket_events") ? "lines"
                            : rs.getString(1).startsWith("UPDATE tickets SET updated_at") ? "touches" : "other",
                            rs.getLong(2), Long::sum);
                }
            }
            // written early at the life's read or save or the ticket's, they took two or three inserts and as
            // many touches of the same ticket
            assertEquals(1L, runs.get("lines"), "statements writing the two lines: " + runs);
            assertEquals(1L, runs.get("touches"), "statements touching the ticket: " + runs);
        }
    }

    @Test
    void aTouchTheTicketsOwnSaveAlreadyMadeIsNotWritten() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir); java.sql.Connection asker = db.database().dataSource().getConnection()) {
            Transactions tx = db.transactions();
            long t = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            org.pagerline.testkit.StatementCounts.start(asker);
            // an urgent voicemail's commit: the call's lines up to now, then the call-back promise saved on
            // the ticket's life at now (moving updated_at to now), then the incident's line at now
            tx.inTransaction(s -> {
                s.tickets().addEvent(t, AT.plusSeconds(5), "CALL_STEP", "the caller chose P1");
                var life = s.tickets().life(t).orElseThrow();
                assertEquals(true, s.tickets().saveLife(life, life, AT.plusSeconds(600), AT.plusSeconds(9)), "the life saved");
                s.tickets().addEvent(t, AT.plusSeconds(9), "INCIDENT_OPENED", "incident opened");
                return null;
            });
            assertEquals(AT.plusSeconds(9), tx.inTransaction(s -> s.tickets().find(t)).orElseThrow().updatedAt());
            assertEquals(List.of("CALL_STEP", "INCIDENT_OPENED"), tx.inTransaction(s -> s.tickets().events(t)).stream()
                    .map(TicketEvent::kind).toList());
            // a new ticket's own line at its opening: its insert set updated_at there
            long fresh = tx.inTransaction(s -> {
                long id = newTicket(s, "+12045550102");
                s.tickets().addEvent(id, AT, "CALL_STARTED", "the call came in");
                return id;
            });
            assertEquals(AT, tx.inTransaction(s -> s.tickets().find(fresh)).orElseThrow().updatedAt());
            assertEquals(0L, org.pagerline.testkit.StatementCounts.executions(asker, "UPDATE tickets SET updated_at%"),
                    "touches that would have changed nothing");
        }
    }

    @Test
    void aTouchLeftOutForAPiecesSaveIsWrittenWhenThatPieceIsUndone() {
        aLineStandsThoughTheNextPieceIsUndone((s, t) -> {
            // saves the life at a later instant (the first piece's touch would change nothing after
            // it), reads the ticket (the touches written first), then fails
            var life = s.tickets().life(t).orElseThrow();
            assertEquals(true, s.tickets().saveLife(life, life, AT.plusSeconds(600), AT.plusSeconds(9)));
            assertEquals(AT.plusSeconds(9), s.tickets().findOpenByCaller("+12045550101", AT).orElseThrow().updatedAt());
            throw new IllegalStateException("the piece failed after its save");
        });
    }

    @Test
    void aStatementOnTheTicketsUpdatedAtSeesTheLinesAddedBeforeIt() {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long t = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            tx.inTransaction(s -> {
                s.tickets().addEvent(t, AT.plusSeconds(30), "PAGE_HELD", "held");
                // the caller's open ticket is found by its updated_at: the line just added counts
                assertEquals(java.util.Optional.of(t), s.tickets().findOpenByCaller("+12045550101", AT.plusSeconds(20))
                        .map(Ticket::id));
                return null;
            });
        }
    }

    @Test
    void aPieceRolledBackTakesItsLinesWithItAndTheOthersStand() {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            long t = tx.inTransaction(s -> newTicket(s, "+12045550101"));
            List<Transactions.Result> results = tx.inOneCommit(List.of(
                    s -> {
                        s.tickets().addEvent(t, AT.plusSeconds(1), "FIRST", "stands");
                        return 1;
                    },
                    s -> {
                        s.tickets().addEvent(t, AT.plusSeconds(2), "UNDONE", "its piece failed");
                        throw new IllegalStateException("the piece failed after adding its line");
                    },
                    s -> {
                        s.tickets().addEvent(t, AT.plusSeconds(3), "THIRD", "stands");
                        return 3;
                    }));
            assertNull(results.get(0).failure());
            assertNotNull(results.get(1).failure());
            assertNull(results.get(2).failure());
            assertEquals(List.of("FIRST", "THIRD"), tx.inTransaction(s -> s.tickets().events(t)).stream()
                    .map(TicketEvent::kind).toList());
            assertEquals(AT.plusSeconds(3), tx.inTransaction(s -> s.tickets().find(t)).orElseThrow().updatedAt());
        }
    }

    @Test
    void manyLinesOfSeveralTicketsLandEachWithItsTextInTheOrderAdded() {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            manyLinesLandInTheOrderAdded(db.transactions());
        }
    }

    /** Also run on PostgreSQL ({@code PostgresStoreIT}). */
    static void manyLinesLandInTheOrderAdded(Transactions tx) {
        long one = tx.inTransaction(s -> newTicket(s, "+12045550101"));
        long two = tx.inTransaction(s -> newTicket(s, "+12045550102"));
        // 31 lines for one ticket and 12 for the other, interleaved, at one instant: every size of
        // statement the lines are written in (16 rows down to 1) is used, and only the ids order them
        tx.inTransaction(s -> {
            for (int i = 0; i < 43; i++) {
                long t = i % 7 == 3 || i % 7 == 5 ? two : one;
                s.tickets().addEvent(t, AT.plusSeconds(5), "LINE_" + i, "detail " + i + " of " + t);
            }
            return null;
        });
        for (long t : List.of(one, two)) {
            List<TicketEvent> events = tx.inTransaction(s -> s.tickets().events(t)).stream()
                    .filter(e -> e.kind().startsWith("LINE_")).toList();
            List<String> expected = java.util.stream.IntStream.range(0, 43)
                    .filter(i -> (i % 7 == 3 || i % 7 == 5) == (t == two)).mapToObj(i -> "LINE_" + i).toList();
            assertEquals(expected, events.stream().map(TicketEvent::kind).toList(), "ticket " + t);
            events.forEach(e -> assertEquals("detail " + e.kind().substring(5) + " of " + t, e.detail()));
        }
    }

    private static void lines(Transactions tx, String who, CyclicBarrier barrier, long first, long second) {
        tx.inTransaction(s -> {
            s.tickets().addEvent(first, AT.plusSeconds(10), "LINE_" + who, "first");
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other transaction never added its first line", e);
            }
            s.tickets().addEvent(second, AT.plusSeconds(11), "LINE_" + who, "second");
            return null;
        });
    }

    private static long newTicket(Stores s, String caller) {
        return s.tickets().insert(new Ticket(0, AT, AT, TicketStatus.OPEN, TicketSource.PHONE, null, caller, "Caller", null,
                null, null)).id();
    }
}
