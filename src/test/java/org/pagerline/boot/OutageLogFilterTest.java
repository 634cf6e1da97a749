package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.testkit.TestDatabase;
import org.slf4j.LoggerFactory;

/** What the server's log keeps of a failure on a database that H2 has closed. */
class OutageLogFilterTest {
    final TestDatabase db = TestDatabase.inMemory();
    final Logger logger = (Logger) LoggerFactory.getLogger("org.pagerline.test.OutageLogFilterTest");
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void capture() {
        OutageLogFilter.install(db.database().outage());
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
        OutageLogFilter.uninstall(db.database().outage());
        db.close();
    }

    /** A statement that met the database closed before anyone had said the database is down. */
    static RuntimeException closedBeforeTheOutageWasDeclared() {
        return new RuntimeException("database error (90098) in: UPDATE tickets SET updated_at=?",
                new SQLException("The database has been closed [90098-252]", "90098", 90098));
    }

    @Test
    void aCallThatMeetsTheDatabaseClosedIsOneLineNamingWhyNotAStackTrace() {
        RuntimeException e = closedBeforeTheOutageWasDeclared();
        logger.error("support-line call failed at {} (channel {}): {}", "GREETING", "PJSIP/trunk-1", e.toString(), e);

        assertEquals(1, logs.list.size());
        ILoggingEvent line = logs.list.get(0);
        assertNull(line.getThrowableProxy(), "no stack trace for a closed database");
        assertEquals(ch.qos.logback.classic.Level.ERROR, line.getLevel());
        assertTrue(line.getFormattedMessage().startsWith("support-line call failed at GREETING (channel PJSIP/trunk-1): "),
                line.getFormattedMessage());
        assertTrue(line.getFormattedMessage().contains("The database has been closed [90098-252]"), line.getFormattedMessage());
    }

    @Test
    void anyOtherFailureKeepsItsStackTrace() {
        IllegalStateException bug = new IllegalStateException("no such step");
        logger.error("support-line call failed at {}", "GREETING", bug);

        assertEquals(1, logs.list.size());
        assertNotNull(logs.list.get(0).getThrowableProxy());
        assertEquals("support-line call failed at GREETING", logs.list.get(0).getFormattedMessage());
    }
}
