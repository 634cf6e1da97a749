package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.Stores;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/**
 * Each piece of a group commit runs under a savepoint of its own. H2 keeps a connection's parsed
 * statements in a cache by their text (QUERY_CACHE_SIZE), savepoints among them: savepoints named
 * by a counter, as JDBC's unnamed ones are, gave every piece a text of its own, so in a busy
 * journal they filled each connection's cache and pushed the real statements out to be parsed
 * again (18,797 distinct texts in one benchmark run at 500 urgent callers, all but a few hundred
 * of them savepoints). Every piece's savepoint has one text now, and still undoes its piece alone.
 */
class PiecesSavepointsTakeOnePlaceAmongAConnectionsParsedStatementsTest {
    private static final Instant AT = Instant.parse("2026-12-06T15:00:00Z");

    @TempDir
    Path dir;

    @Test
    void threeHundredPiecesOfOneCommitUseOneSavepointTextAndAFailedPieceIsStillUndoneAlone() throws SQLException {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            statistics(db, "SET QUERY_STATISTICS_MAX_ENTRIES 100000");
            statistics(db, "SET QUERY_STATISTICS TRUE");
            Transactions tx = db.transactions();
            List<Function<Stores, ?>> pieces = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String number = "+1204555" + String.format("%04d", i);
                boolean fails = i == 150;
                pieces.add(s -> {
                    Ticket t = s.tickets().insert(new Ticket(0, AT, AT, TicketStatus.OPEN, TicketSource.PHONE, null, number,
                            "Caller", null, null, null));
                    if (fails) {
                        throw new IllegalStateException("this piece fails after its insert");
                    }
                    return t.id();
                });
            }

            List<Transactions.Result> out = tx.inOneCommit(pieces);

            assertEquals(IllegalStateException.class, out.get(150).failure().getClass());
            assertNull(out.get(149).failure());
            assertNull(out.get(151).failure());
            assertEquals(299, tx.inTransaction(s -> s.tickets().list(1000)).size(),
                    "the failed piece's ticket was undone, and only it");
            assertEquals(1, savepointTexts(db), "distinct SAVEPOINT statement texts");
        }
    }

    private static void statistics(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static int savepointTexts(TestDatabase db) throws SQLException {
        try (Connection c = db.database().dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                        + " WHERE SQL_STATEMENT LIKE 'SAVEPOINT%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
