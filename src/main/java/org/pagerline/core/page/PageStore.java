package org.pagerline.core.page;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: the page outbox and SMS opt-outs. Implementations run inside a transaction. */
public interface PageStore {

    /** Inserts (the id is ignored); returns the new id. */
    long insert(Page page);

    Optional<Page> find(long id);

    Optional<Page> findByProviderId(String providerId);

    List<Page> forIncident(long incidentId);

    /** PENDING pages due at or before {@code now}: PAGE kind before NOTICE, then earliest first. */
    List<Page> duePending(Instant now, int limit);

    /** SENDING pages claimed before {@code claimedBefore}: left over by a crash (or a hung send). */
    List<Page> staleSending(Instant claimedBefore, int limit);

    /**
     * PENDING (or stale SENDING, claimed at {@code expectedClaim}) to SENDING, counting an attempt.
     * Conditional, so two passes never both claim one page. True if claimed.
     */
    boolean claim(long id, PageState from, Instant expectedClaim, Instant now);

    /**
     * The {@code n}th most recent hand-over instant to {@code to} after {@code since}, if there were
     * at least {@code n} (what the rate limit needs, without reading every recent page).
     */
    Optional<Instant> nthNewestHandOver(String to, Instant since, int n);

    /** Back to PENDING at {@code at} (deferred or retry); {@code error} may be null. */
    void reschedule(long id, Instant at, String error);

    void markSent(long id, String providerId, Instant at);

    /** Only from SENDING or SENT. */
    boolean markDelivered(long id);

    void markFailed(long id, String error);

    /** PENDING pages of kind PAGE for the incident become CANCELLED; returns how many. */
    int cancelPending(long incidentId);

    /**
     * Once the caller is called back or the incident resolved: every PENDING page and notice of the
     * incident becomes CANCELLED (late call-back, service-level), except the who-took-it notices
     * ({@link Page#TAKEN_STEP}), which still tell the others to stand down. Returns how many.
     */
    int cancelPendingAll(long incidentId);

    /** The newest PAGE-kind page to any of these numbers, preferring incidents still OPEN. */
    Optional<Page> newestPageTo(List<String> numbers);

    /** Ids of OPEN incidents with a PAGE-kind page already handed over (claimed) to any of these numbers, newest first. */
    List<Long> openIncidentsPagedTo(List<String> numbers);

    /** Earliest next_attempt_at of PENDING pages, or empty. */
    Optional<Instant> nextPending();

    /** Earliest claimed_at of SENDING pages, or empty. */
    Optional<Instant> oldestSending();

    boolean isOptedOut(String phone);

    /**
     * Records that a hand-over of this page begun at {@code since} may have reached the provider
     * (no answer in time, or a crash mid-send): the page is not sent again before the provider
     * has been asked. The earliest such instant is kept.
     */
    void markUnconfirmed(long pageId, Instant since);

    /** When the page's oldest unconfirmed hand-over began, if it has one. */
    Optional<Instant> unconfirmedSince(long pageId);

    /** No page other than {@code pageId} was handed over as {@code providerId}. */
    boolean providerIdFree(String providerId, long pageId);

    /** The provider answered for this page (it has it, or it does not): nothing left to confirm. */
    void clearUnconfirmed(long pageId);

    void optOut(String phone, Instant at);

    void optIn(String phone);

    /** How many pages are in {@code state} (the outbox depth /metrics reports). */
    long countInState(PageState state);
}
