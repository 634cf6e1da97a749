package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The outage's rules, with time moved by hand: down at H2's first "closed", one log line a minute, back on a write. */
class DatabaseOutageTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final AtomicBoolean diskFull = new AtomicBoolean(true);
    final AtomicInteger evictions = new AtomicInteger();
    final DatabaseOutage outage = new DatabaseOutage(() -> {
        if (diskFull.get()) {
            throw new SQLException("Error opening database", "HY000", 8000, new IOException("No space left on device"));
        }
    }, evictions::incrementAndGet, nanos::get, false);
    final Logger logger = (Logger) LoggerFactory.getLogger(Database.class);
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void capture() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    /** What every statement gets after the store failed: H2 gives the failure as the cause. */
    static SQLException closed() {
        return new SQLException("The database has been closed [90098-252]", "90098", 90098, failedWrite());
    }

    /** What the statement whose write failed gets. */
    static SQLException failedWrite() {
        return new SQLException("General error: \"org.h2.mvstore.MVStoreException: Writing to x failed\"", "HY000", 50000,
                new IllegalStateException("store", new IOException("No space left on device")));
    }

    /** What H2's shutdown hook leaves behind at JVM exit: closed, with no store failure. */
    static SQLException closedAtExit() {
        return new SQLException("The database has been closed [90098-252]", "90098", 90098);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    List<String> lines() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void an_ordinary_sql_error_neither_takes_the_database_down_nor_evicts() {
        SQLException duplicate = new SQLException("Unique index violation", "23505", 23505);
        assertEquals(SQLExceptionOverride.Override.CONTINUE_EVICT, outage.adjudicate(duplicate));
        assertEquals(SQLExceptionOverride.Override.CONTINUE_EVICT,
                outage.adjudicate(new SQLException("General error: NullPointerException", "HY000", 50000)));
        assertFalse(outage.isDown());
        assertDoesNotThrow(outage::check);
        assertFalse(outage.explains(new RuntimeException(closed())), "H2's closed, while up, is not explained away");
        assertEquals(List.of(), lines());
    }

    @Test
    void a_database_closed_at_exit_evicts_the_connection_but_is_no_outage() {
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, outage.adjudicate(closedAtExit()));
        assertFalse(outage.isDown(), "nothing reopens the database while the JVM stops");
        assertEquals(0, evictions.get());
        assertEquals(List.of(), lines());
    }

    @Test
    void a_failed_write_takes_it_down_refuses_connections_at_once_and_logs_the_root_cause_once() {
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, outage.adjudicate(failedWrite()));
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, outage.adjudicate(closed()));
        assertTrue(outage.isDown());
        assertEquals(1, evictions.get(), "the whole pool is evicted once");
        DatabaseUnavailableException refused = assertThrows(DatabaseUnavailableException.class, outage::check);
        assertTrue(refused.getMessage().contains("No space left on device"), refused.getMessage());
        assertTrue(outage.explains(new IllegalStateException("wrapped", refused)));
        assertTrue(outage.explains(new RuntimeException(closed())));
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("database unavailable: H2 closed it after a failed write"), lines().get(0));
        assertTrue(lines().get(0).contains("No space left on device"), lines().get(0));
    }

    @Test
    void while_writes_fail_the_condition_is_logged_once_a_minute_not_per_failure() {
        outage.adjudicate(closed());
        for (int s = 0; s < 300; s += 2) { // five minutes of checks every 2 s, with traffic refused meanwhile
            advance(DatabaseOutage.PROBE_EVERY);
            for (int i = 0; i < 10; i++) {
                assertThrows(DatabaseUnavailableException.class, outage::check);
                outage.heldBack();
            }
            outage.probe();
        }
        List<String> lines = lines();
        assertEquals(1 + 5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("database still unavailable after 1m 0s (last write check: Error opening"
                + " database; cause: java.io.IOException: No space left on device); 300 operations refused and 300 log"
                + " lines held back in the last 1m 0s"), lines.get(1));
        assertTrue(lines.get(5).startsWith("database still unavailable after 5m 0s"), lines.get(5));
        assertTrue(outage.isDown());
    }

    @Test
    void once_a_write_succeeds_the_pool_is_evicted_again_and_connections_flow() {
        outage.adjudicate(failedWrite());
        advance(Duration.ofSeconds(2));
        outage.probe();
        assertTrue(outage.isDown());
        diskFull.set(false);
        advance(Duration.ofSeconds(2));
        outage.probe();
        assertFalse(outage.isDown());
        assertEquals(2, evictions.get(), "connections opened before the write succeeded are not handed out again");
        assertDoesNotThrow(outage::check);
        assertTrue(lines().get(lines().size() - 1).startsWith("database writable again after 4s unavailable"),
                lines().toString());
        // and a later failure is a new outage, reported again
        outage.adjudicate(closed());
        assertTrue(outage.isDown());
        assertEquals(3, evictions.get());
        assertTrue(lines().get(lines().size() - 1).startsWith("database unavailable"), lines().toString());
    }
    @Test
    void an_outage_declared_on_the_closed_store_is_told_the_failed_write_that_reports_after_it() {
        // H2's "This store is closed" carries no cause: a statement that met it first says nothing of why
        SQLException closedFirst = new SQLException("The database has been closed [90098-252]", "90098", 90098,
                new IllegalStateException("org.h2.mvstore.MVStoreException: This store is closed [2.5.252/4]",
                        new RuntimeException("org.h2.mvstore.MVStoreException: This store is closed [2.5.252/4]")));
        assertEquals(SQLExceptionOverride.Override.MUST_EVICT, outage.adjudicate(new SQLException(
                "General error: \"org.h2.mvstore.MVStoreException: This store is closed\"", "HY000", 50000, closedFirst)));
        assertTrue(outage.isDown());
        // the statement whose write failed reports a few ms later (Quartz's commit, in a full-disk run)
        outage.adjudicate(failedWrite());
        outage.adjudicate(closed());   // and later ones change nothing
        List<String> down = lines().stream().filter(l -> l.startsWith("database unavailable")).toList();
        assertEquals(2, down.size(), down.toString());
        assertTrue(down.get(1).contains("No space left on device"), down.toString());
        DatabaseUnavailableException refused = assertThrows(DatabaseUnavailableException.class, outage::check);
        assertTrue(refused.getMessage().contains("No space left on device"), refused.getMessage());
    }
}
