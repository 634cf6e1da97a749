package org.pagerline.core.page;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: what was paged, for the admin ({@code page list}), and the test pages ({@code page test}).
 * Implementations run inside a transaction.
 */
public interface PageLogStore {

    /**
     * One page as the admin sees it.
     *
     * @param incidentId null for a test page
     * @param at when it was handed over (sent), else when it was written
     * @param provider the channel's name, for test pages (null for outbox pages)
     * @param detail the last error or the provider's word on it; may be null
     */
    record Entry(long id, boolean test, Long incidentId, String technicianName, Channel channel, String to,
            PageKind kind, PageState state, Instant at, int attempts, String provider, String providerId, String detail) {}

    /**
     * Pages newest first, at most {@code limit}: the outbox's (of {@code incidentId} only, when given)
     * and, when no incident is asked for, the test pages; only those written or sent at or after
     * {@code since} when given.
     */
    List<Entry> pages(Long incidentId, Instant since, int limit);

    /** A test page about to be handed to {@code provider} (SENDING); returns its id. */
    long insertTest(Long technicianId, String technicianName, Channel channel, String to, String provider, Instant at);

    /** What the provider said (SENT or FAILED), or a delivery report later (DELIVERED, FAILED). */
    void updateTest(long id, PageState state, String providerId, String detail, Instant sentAt);

    Optional<Entry> test(long id);
}
