package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.MutableClock;

/**
 * A ticket whose row another transaction holds (a frozen node's transaction, a lock taken by hand)
 * holds up only the pieces that need it: the call journal writes many callers' starts and urgent
 * messages in one commit, and a piece that finds its ticket held is left out of it and written on
 * its own, where it waits for the row, with its call's later pieces after it in order. The other
 * callers' pieces commit meanwhile. The H2 file as `pagerline server` opens it (a 10 s lock timeout):
 * before, every piece of the commit waited out the lock with it; PostgreSQL in
 * {@link ATicketHeldElsewhereOnPostgresIT}.
 */
class ATicketHeldElsewhereHoldsUpOnlyItsOwnCallerTest extends OnTheServersDatabase {
    /** Well under H2's lock timeout (10 s): what waited for the held ticket waits longer. */
    private static final long PROMPTLY_SECONDS = 5;

    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");

    /** The caller's open ticket, opened a minute ago: what is written on it now moves its last change. */
    private long ticketOf(String number) {
        long id = new TicketService(db.transactions(), clock).openOrReuse(TicketSource.PHONE, number, null, "Acme",
                Duration.ofHours(4)).id();
        clock.advance(Duration.ofMinutes(1));
        return id;
    }

    /**
     * Holds the journal's one writer in a commit of the rest lane until the returned latch is
     * counted down: what is handed in meanwhile goes in its next commit, together.
     */
    private static java.util.concurrent.CountDownLatch holdTheWriter(CallJournal journal) throws InterruptedException {
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        journal.submit(CallJournal.Lane.REST, "gate", null, s -> {
            writing.countDown();
            try {
                assertTrue(go.await(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }, (v, e) -> { });
        assertTrue(writing.await(PROMPTLY_SECONDS, TimeUnit.SECONDS));
        return go;
    }

    private static BiConsumer<Object, RuntimeException> into(CompletableFuture<Object> f) {
        return (v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        };
    }

    private static CompletableFuture<Object> line(CallJournal journal, CallJournal.Lane lane, String call, String key,
            long ticketId, String kind, java.time.Instant at) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        journal.submit(lane, call, key, s -> {
            s.tickets().addEvent(ticketId, at, kind, "written by " + call);
            return kind;
        }, into(done));
        return done;
    }

    @Test
    void theOtherCallersPiecesCommitWhileOneTicketIsHeldAndItsOwnFollowInOrderOnceItIsFree() throws Exception {
        long held = ticketOf("+12045550101");
        long free = ticketOf("+12045550102");
        CallJournal journal = new CallJournal(db.transactions(), 1); // one writer: the worst case
        try {
            janeWaitsAlone(journal, held, free);
        } finally {
            journal.close();
        }
    }

    private void janeWaitsAlone(CallJournal journal, long held, long free) throws Exception {
        CompletableFuture<Object> jane;
        CompletableFuture<Object> janeLater;
        try (Connection other = db.holdingTicket(held)) {
            java.time.Instant at = clock.instant();
            jane = line(journal, CallJournal.Lane.START, "jane", "+12045550101", held, "JANE_STARTS", at);
            CompletableFuture<Object> omar = line(journal, CallJournal.Lane.START, "omar", "+12045550102", free, "OMAR_STARTS", at);
            janeLater = line(journal, CallJournal.Lane.WAITED_FOR, "jane", "ticket " + held, held,
                    "JANE_LEAVES_A_MESSAGE", at.plusSeconds(1));
            CompletableFuture<Object> omarLater = line(journal, CallJournal.Lane.WAITED_FOR, "omar", "ticket " + free, free,
                    "OMAR_LEAVES_A_MESSAGE", at.plusSeconds(1));

            assertEquals("OMAR_STARTS", omar.get(PROMPTLY_SECONDS, TimeUnit.SECONDS),
                    "another caller's start is written while Jane's ticket is held");
            assertEquals("OMAR_LEAVES_A_MESSAGE", omarLater.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            assertFalse(jane.isDone(), "Jane's start waits for her ticket");
            assertFalse(janeLater.isDone(), "and her message waits for her start");
            other.rollback();
        }
        assertEquals("JANE_STARTS", jane.get(PROMPTLY_SECONDS, TimeUnit.SECONDS), "Jane's start, once her ticket is free");
        assertEquals("JANE_LEAVES_A_MESSAGE", janeLater.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
        assertTrue(journal.awaitWritten(Duration.ofSeconds(PROMPTLY_SECONDS)), "the journal wrote everything");
        List<String> janes = db.transactions().inTransaction(s -> s.tickets().events(held)).stream()
                .map(TicketEvent::kind).filter(k -> k.startsWith("JANE")).toList();
        assertEquals(List.of("JANE_STARTS", "JANE_LEAVES_A_MESSAGE"), janes, "her lines, once each, in order");
    }

    @Test
    void aCallsLinesOnAHeldTicketHoldUpNoOtherCallsLinesNorItsUrgentMessage() throws Exception {
        long held = ticketOf("+12045550105");
        long free = ticketOf("+12045550106");
        CallJournal journal = new CallJournal(db.transactions(), 1);
        try (Connection other = db.holdingTicket(held)) {
            java.time.Instant at = clock.instant();
            // the calls' lines, written together in the rest lane; Lee's (another line of the held
            // ticket's caller) wait for the ticket, Omar's do not
            CompletableFuture<Object> lee = line(journal, CallJournal.Lane.REST, "lee", null, held, "LEE_HEARS_THE_MENU", at);
            CompletableFuture<Object> omar = line(journal, CallJournal.Lane.REST, "omar", null, free, "OMAR_HEARS_THE_MENU", at);
            CompletableFuture<Object> omarsMessage = line(journal, CallJournal.Lane.WAITED_FOR, "omar", "ticket " + free, free,
                    "OMAR_LEAVES_A_MESSAGE", at.plusSeconds(1));
            assertEquals("OMAR_HEARS_THE_MENU", omar.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            assertEquals("OMAR_LEAVES_A_MESSAGE", omarsMessage.get(PROMPTLY_SECONDS, TimeUnit.SECONDS),
                    "Omar's urgent message is not held up by lines written with his on a held ticket");
            assertFalse(lee.isDone(), "Lee's lines wait for the ticket");
            other.rollback();
            assertEquals("LEE_HEARS_THE_MENU", lee.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
        } finally {
            journal.close();
        }
    }

    @Test
    void piecesOfTheSameCallOrKeyAsOneSetApartAreWrittenAfterItInOrder() throws Exception {
        long held = ticketOf("+12045550103");
        long kims = ticketOf("+12045550104");
        CallJournal journal = new CallJournal(db.transactions(), 1);
        try {
            java.util.concurrent.CountDownLatch go = holdTheWriter(journal);
            java.time.Instant at = clock.instant();
            CompletableFuture<Object> kimStarts;
            CompletableFuture<Object> kimsMessage;
            try (Connection other = db.holdingTicket(held)) {
                // one commit: Jane's start (her ticket held), then Kim's with the same key (her number), then
                // Kim's message: Kim's two wait for Jane's, in their order, whatever ticket they need
                java.util.concurrent.CountDownLatch janeTried = new java.util.concurrent.CountDownLatch(2);
                journal.submit(CallJournal.Lane.START, "jane", "+12045550103", s -> {
                    janeTried.countDown(); // in the commit, then on her own
                    s.tickets().addEvent(held, at, "JANE_STARTS", "written by jane");
                    return null;
                }, (v, e) -> { });
                kimStarts = line(journal, CallJournal.Lane.START, "kim", "+12045550103", kims, "KIM_STARTS", at);
                kimsMessage = line(journal, CallJournal.Lane.WAITED_FOR, "kim", "ticket " + kims, kims, "KIM_LEAVES_A_MESSAGE",
                        at.plusSeconds(1));
                go.countDown();
                assertTrue(janeTried.await(PROMPTLY_SECONDS, TimeUnit.SECONDS), "Jane's start was set apart and waits for her ticket");
                assertFalse(kimStarts.isDone(), "Kim's start has Jane's key: it waits for hers");
                assertFalse(kimsMessage.isDone(), "and Kim's message for her start");
                // handed in now, Kim's last lines wait for every piece of hers set apart, not only the first
                line(journal, CallJournal.Lane.REST, "kim", null, kims, "KIM_HANGS_UP", at.plusSeconds(2));
                other.rollback();
            }
            assertEquals("KIM_LEAVES_A_MESSAGE", kimsMessage.get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
            assertTrue(journal.awaitWritten(Duration.ofSeconds(PROMPTLY_SECONDS)), "the journal wrote everything");
            List<String> kim = db.transactions().inTransaction(s -> s.tickets().events(kims)).stream()
                    .map(TicketEvent::kind).filter(k -> k.startsWith("KIM")).toList();
            assertEquals(List.of("KIM_STARTS", "KIM_LEAVES_A_MESSAGE", "KIM_HANGS_UP"), kim, "Kim's lines in her order");
        } finally {
            journal.close();
        }
    }

    @Test
    void aFirstLanePieceWithNoKeySetApartIsWrittenBesideNoOtherFirstLanePiece() throws Exception {
        long ulasTicket = ticketOf("+12045550107");
        long kimsTicket = ticketOf("+12045550108");
        CallJournal journal = new CallJournal(db.transactions(), 1);
        try {
            java.util.concurrent.CountDownLatch go = holdTheWriter(journal);
            List<String> done = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.time.Instant at = clock.instant();
            long before = org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld();
            try (Connection ulas = db.holdingTicket(ulasTicket); Connection kims = db.holdingTicket(kimsTicket)) {
                // one commit: Ula's fallback hand-over (a first-lane piece with no key: it decides for any ticket)
                // and Kim's urgent message (keyed by her ticket), both set apart
                journal.submit(CallJournal.Lane.WAITED_FOR, "ula", null, s -> {
                    s.tickets().addEvent(ulasTicket, at, "ULA_HANDED_OVER", "written by ula");
                    return null;
                }, (v, e) -> done.add("ula" + (e == null ? "" : " failed: " + e)));
                journal.submit(CallJournal.Lane.WAITED_FOR, "kim", "ticket " + kimsTicket, s -> {
                    s.tickets().addEvent(kimsTicket, at, "KIM_LEAVES_A_MESSAGE", "written by kim");
                    return null;
                }, (v, e) -> done.add("kim" + (e == null ? "" : " failed: " + e)));
                go.countDown();
                org.pagerline.testkit.Eventually.await(Duration.ofSeconds(PROMPTLY_SECONDS), "both were set apart",
                        () -> org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld() >= before + 2);
                kims.rollback();
                // Ula's piece tried twice more meanwhile: time enough for Kim's, had it been written beside it
                long now = org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld();
                org.pagerline.testkit.Eventually.await(Duration.ofSeconds(PROMPTLY_SECONDS), "Ula's tried again",
                        () -> org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld() >= now + 2);
                ulas.rollback();
            }
            assertTrue(journal.awaitWritten(Duration.ofSeconds(PROMPTLY_SECONDS)), "the journal wrote everything");
            assertEquals(List.of("ula", "kim"), done, "Kim's message waited for Ula's hand-over, not beside it");
        } finally {
            journal.close();
        }
    }

    @Test
    void anUrgentMessageJoiningAnIncidentHeldByAnotherNodeHoldsUpNoOtherCallersMessage() throws Exception {
        IncidentService incidents = new IncidentService(db.transactions(), clock, Duration.ofMinutes(30),
                Duration.ofMinutes(15), () -> { });
        CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
                new PhoneNumbers("CA"), incidents, clock, Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));
        try {
            LiveCall first = urgentCaller(calls, "1765100000.21", "+12045550121");
            calls.leaveMessage(first, "/spool/jane-1", 20, false, true, org.pagerline.core.ticket.Priority.P1).await();
            long incident = db.transactions().inTransaction(s -> s.incidents().awaitingCallbackOnTicket(first.ticketId()))
                    .orElseThrow().id();
            LiveCall again = urgentCaller(calls, "1765100000.22", "+12045550121"); // Jane calls again: her incident awaits
            LiveCall omar = urgentCaller(calls, "1765100000.23", "+12045550122");
            SavingMessage hers;
            try (Connection engine = db.database().dataSource().getConnection()) {
                // another node's escalation engine in its pass over Jane's incident (a frozen node)
                engine.setAutoCommit(false);
                try (PreparedStatement st = engine.prepareStatement("SELECT id FROM incidents WHERE id=? FOR UPDATE")) {
                    st.setLong(1, incident);
                    st.executeQuery().close();
                }
                hers = calls.leaveMessage(again, "/spool/jane-2", 15, false, true, org.pagerline.core.ticket.Priority.P1);
                SavingMessage his = calls.leaveMessage(omar, "/spool/omar", 10, false, true,
                        org.pagerline.core.ticket.Priority.P2);
                assertTrue(his.await(Duration.ofSeconds(PROMPTLY_SECONDS)), "Omar's message and its incident are written");
                assertFalse(hers.await(Duration.ZERO), "Jane's waits for her incident");
                engine.rollback();
            }
            assertTrue(hers.await(Duration.ofSeconds(PROMPTLY_SECONDS)), "and is written once it is free");
            org.pagerline.core.incident.Incident janes = db.transactions().inTransaction(s -> s.incidents()
                    .awaitingCallbackOnTicket(first.ticketId())).orElseThrow();
            assertEquals(incident, janes.id(), "her second message joined her incident");
            assertEquals("/spool/jane-2", janes.caller().recording());
        } finally {
            calls.close();
        }
    }

    /** A caller who chose urgent and confirmed their caller ID as the call-back number, saved. */
    private LiveCall urgentCaller(CallService calls, String uniqueId, String number) {
        LiveCall live = calls.start(uniqueId, "PJSIP/trunk-1", number, "Caller");
        live.call().urgency(clock.instant(), true, false);
        live.call().callback(clock.instant(), number, "caller ID, confirmed");
        calls.save(live);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(PROMPTLY_SECONDS)));
        clock.advance(Duration.ofSeconds(30));
        return live;
    }

    @Test
    void aCallWhoseEndIsWrittenApartIsCountedOnce() throws Exception {
        List<org.pagerline.core.call.CallOutcome> counted = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Metrics metrics = new Metrics() {
            @Override
            public void call(org.pagerline.core.call.CallOutcome outcome) {
                counted.add(outcome);
            }
        };
        CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
                new PhoneNumbers("CA"), v -> 0L, clock, Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"),
                "local", metrics);
        try {
            LiveCall ann = calls.start("1765100000.7", "PJSIP/trunk-7", "+12045550117", "Ann");
            clock.advance(Duration.ofMinutes(1));
            long heldBefore = org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld();
            try (Connection other = db.holdingTicket(ann.ticketId())) {
                ann.call().hungUp(clock.instant());
                calls.saveLast(ann); // tried in a commit, undone on her held ticket, written again once it is free
                org.pagerline.testkit.Eventually.await(Duration.ofSeconds(PROMPTLY_SECONDS), "her end found her ticket held",
                        () -> org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld() > heldBefore);
                other.rollback();
            }
            assertTrue(calls.awaitSaved(Duration.ofSeconds(PROMPTLY_SECONDS)));
            assertEquals(List.of(org.pagerline.core.call.CallOutcome.HUNG_UP), counted, "her call is counted once");
        } finally {
            calls.close();
        }
    }

    @Test
    void aNewCallersStartIsServedWhileTwoOtherCallersTicketsAreHeld() throws Exception {
        CallService calls = new CallService(db.transactions(), new TicketService(db.transactions(), clock),
                new PhoneNumbers("CA"), v -> 0L, clock, Duration.ofHours(4), Duration.ofMinutes(30),
                Set.of("CA", "US"));
        try {
            long first = ticketOf("+12045550111");
            long second = ticketOf("+12045550112");
            StartingCall a;
            StartingCall b;
            try (Connection one = db.holdingTicket(first); Connection two = db.holdingTicket(second)) {
                // the server's journal writes starts in two commits at once: each of these holds one
                a = calls.begin("1765100000.1", "PJSIP/trunk-1", "+12045550111", "Ann");
                b = calls.begin("1765100000.2", "PJSIP/trunk-2", "+12045550112", "Bo");
                StartingCall c = calls.begin("1765100000.3", "PJSIP/trunk-3", "+12045550113", "Cy");
                LiveCall cy = c.await(Duration.ofSeconds(PROMPTLY_SECONDS)).orElse(null);
                assertTrue(cy != null, "a new caller's start is written while two other callers' tickets are held");
                assertNotEquals(first, cy.ticketId());
                assertFalse(a.await(Duration.ZERO).isPresent(), "Ann's start waits for her ticket");
                one.rollback();
                two.rollback();
            }
            assertEquals(first, a.await(Duration.ofSeconds(PROMPTLY_SECONDS)).orElseThrow().ticketId(),
                    "Ann's start, once her ticket is free, reuses it");
            assertEquals(second, b.await(Duration.ofSeconds(PROMPTLY_SECONDS)).orElseThrow().ticketId());
        } finally {
            calls.close();
        }
    }
}
