package org.pagerline.testkit;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.Settings;
import org.pagerline.service.Transactions;

/** A fresh, fully migrated database per test: an H2 file in a temp folder (as in production). */
public final class TestDatabase implements AutoCloseable {
    private final Database db;
    private final DatabaseConfig config;

    private TestDatabase(DatabaseConfig config) {
        this.config = config;
        this.db = Database.open(config);
    }

    /** A file database in {@code dir} (use JUnit's @TempDir). */
    public static TestDatabase fileIn(Path dir) {
        return new TestDatabase(DatabaseConfig.from(Settings.ofMap(Map.of("data.dir", dir.toString()))));
    }

    /** The database {@code config} names (a PostgreSQL schema: {@link PgSchema#config()}). */
    public static TestDatabase of(DatabaseConfig config) {
        return new TestDatabase(config);
    }

    /** As {@link #inMemory()}, whose transactions wait up to 10 s for a row another holds (as the server's do). */
    public static TestDatabase inMemoryWaitingAsTheServerDoes() {
        return new TestDatabase(DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:h2:mem:t" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000"))));
    }

    /** A private in-memory database, gone when closed. */
    public static TestDatabase inMemory() {
        return new TestDatabase(DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:h2:mem:t" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"))));
    }

    public Database database() {
        return db;
    }

    public DatabaseConfig config() {
        return config;
    }

    /**
     * A connection whose open transaction holds the ticket's row, as another node's (a frozen one's)
     * would: roll it back to let go.
     */
    public java.sql.Connection holdingTicket(long ticketId) throws java.sql.SQLException {
        java.sql.Connection c = database().dataSource().getConnection();
        c.setAutoCommit(false);
        try (java.sql.PreparedStatement st = c.prepareStatement("SELECT id FROM tickets WHERE id=? FOR UPDATE")) {
            st.setLong(1, ticketId);
            st.executeQuery().close();
        }
        return c;
    }

    public Transactions transactions() {
        return new JdbcTransactions(db.dataSource());
    }

    @Override
    public void close() {
        db.close();
    }
}
