package org.pagerline.service;

import org.slf4j.MDC;

/**
 * Puts the ticket and incident ids into every log line written inside it (logback prints them
 * as {@code ticket=12 incident=7}), and restores what was there before on close, so pooled
 * threads never carry one call's ids into the next.
 *
 * <pre>{@code try (LogContext ctx = LogContext.of(ticketId, incidentId)) { ... } }</pre>
 */
public final class LogContext implements AutoCloseable {
    static final String TICKET = "ticket";
    static final String INCIDENT = "incident";
    private final String previousTicket;
    private final String previousIncident;

    private LogContext(Long ticketId, Long incidentId) {
        previousTicket = MDC.get(TICKET);
        previousIncident = MDC.get(INCIDENT);
        if (ticketId != null && ticketId > 0) {
            MDC.put(TICKET, Long.toString(ticketId));
        }
        if (incidentId != null && incidentId > 0) {
            MDC.put(INCIDENT, Long.toString(incidentId));
        }
    }

    public static LogContext ticket(long ticketId) {
        return new LogContext(ticketId, null);
    }

    public static LogContext of(long ticketId, long incidentId) {
        return new LogContext(ticketId, incidentId);
    }

    @Override
    public void close() {
        restore(TICKET, previousTicket);
        restore(INCIDENT, previousIncident);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
