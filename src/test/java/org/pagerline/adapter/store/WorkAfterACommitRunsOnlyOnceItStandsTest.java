package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.Stores;
import org.pagerline.service.TicketLockedException;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/**
 * What a piece hands to {@link Stores#afterCommit} (a call counted as ended, in the metrics) runs once
 * its commit stands: not for a piece undone (its ticket held by another transaction: it is written
 * again on its own and would count the call twice), nor for a transaction rolled back, nor before
 * the commit.
 */
class WorkAfterACommitRunsOnlyOnceItStandsTest {
    private final TestDatabase db = TestDatabase.inMemory();
    private final Transactions tx = db.transactions();
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() {
        db.close();
    }

    private long ticket() {
        Instant now = Instant.parse("2026-12-07T08:00:00Z");
        return tx.inTransaction(s -> s.tickets().insert(new Ticket(0, now, now, TicketStatus.OPEN, TicketSource.PHONE, null,
                "+12045550123", "Jane", null, null, null))).id();
    }

    @Test
    void onlyThePiecesThatStoodRunTheirWorkAndOnlyAfterTheCommit() throws Exception {
        long held = ticket();
        List<Function<Stores, ?>> pieces = List.of(
                s -> {
                    s.afterCommit(() -> ran.add("first"));
                    return null;
                },
                s -> {
                    s.afterCommit(() -> ran.add("undone"));
                    throw new IllegalStateException("this piece fails");
                },
                s -> {
                    s.afterCommit(() -> ran.add("its ticket held"));
                    s.tickets().addEvent(held, Instant.parse("2026-12-07T08:01:00Z"), "NOTE", "needs the ticket");
                    return null;
                },
                s -> {
                    assertTrue(ran.isEmpty(), "nothing runs before the commit: " + ran);
                    s.afterCommit(() -> ran.add("last"));
                    return null;
                });
        List<Transactions.Result> results;
        try (Connection other = db.database().dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement st = other.prepareStatement("SELECT id FROM tickets WHERE id=? FOR UPDATE")) {
                st.setLong(1, held);
                st.executeQuery().close();
            }
            results = tx.inOneCommit(pieces, true);
            other.rollback();
        }
        assertTrue(results.get(2).failure() instanceof TicketLockedException, String.valueOf(results.get(2)));
        assertEquals(List.of("first", "last"), ran);

        assertThrows(IllegalStateException.class, () -> tx.inTransaction(s -> {
            s.afterCommit(() -> ran.add("rolled back"));
            throw new IllegalStateException("the transaction fails");
        }));
        tx.inTransaction(s -> {
            s.afterCommit(() -> ran.add("committed"));
            return null;
        });
        assertEquals(List.of("first", "last", "committed"), ran);
    }
}
