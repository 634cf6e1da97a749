package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PagingHarness;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Log lines about a ticket or incident carry their ids; pooled threads never keep them. */
class LogContextTest {

    @Test
    void nestedContextsRestoreWhatWasThere() {
        try (LogContext outer = LogContext.ticket(12)) {
            assertEquals("12", MDC.get("ticket"));
            try (LogContext inner = LogContext.of(13, 7)) {
                assertEquals("13", MDC.get("ticket"));
                assertEquals("7", MDC.get("incident"));
            }
            assertEquals("12", MDC.get("ticket"));
            assertNull(MDC.get("incident"));
        }
        assertNull(MDC.get("ticket"));
    }

    @Test
    void theEnginesLinesAboutAnIncidentCarryItsTicketAndIncidentIds() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        try (PagingHarness h = new PagingHarness()) {
            // Nobody is on call: the engine warns that the step reached nobody, about this incident.
            long incident = h.voicemail(Priority.P1);
            h.pass();
            List<ILoggingEvent> about = lines.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("reached nobody")).toList();
            assertTrue(!about.isEmpty(), "the engine said the step reached nobody");
            for (ILoggingEvent e : about) {
                assertEquals(Long.toString(incident), e.getMDCPropertyMap().get("incident"), e.toString());
                assertTrue(e.getMDCPropertyMap().containsKey("ticket"), e.toString());
            }
        } finally {
            root.detachAppender(lines);
        }
        assertNull(MDC.get("incident"), "the test thread keeps nothing");
    }
}
