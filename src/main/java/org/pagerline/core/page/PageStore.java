package org.pagerline.core.page;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: the page outbox and SMS opt-outs. Implementations run inside a transaction. */
public interface PageStore {

    /** Inserts (the id is ignored); returns the new id. */
    long insert(Page page);

    /** Many pages at once (a few in one statement; their ids are not returned). */
    void insertAll(List<Page> pages);

    Optional<Page> find(long id);

    Optional<Page> findByProviderId(String providerId);

    List<Page> forIncident(long incidentId);

    /**
     * Waits for, then holds until this transaction ends, the outbox's claim lock, before anything
     * is read: the claim passes of several nodes on one database then run one after another, so
     * each sees the hand-overs the others claimed (the per-phone rate limit and the bundle gap count
     * them) and none defers or re-claims a page another has just claimed. One node (H2, which is
     * single-node): nothing to wait for.
     */
    void holdClaims();

    /**
     * PENDING pages due at or before {@code now}, at most {@code limit}: who-took-it notices, then
     * PAGE kind, then the other notices, each earliest first; read only as far as the limit (in an
     * outage thousands of rate-limited notices may be due at once); without calls to a phone that
     * a call is being placed to now (SENDING under a claim made after {@code liveClaimsSince}, the
     * send timeout ago; an older claim is looked up first).
     */
    List<Page> duePending(Instant now, Instant liveClaimsSince, int limit);

    /** The numbers a paging call is SENDING to under a claim made at or after {@code claimedAfter}. */
    java.util.Set<String> phonesBeingCalled(Instant claimedAfter);

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

    /**
     * When the newest urgent message (a PAGE, or a who-took-it notice) about another incident than
     * {@code otherThanIncident} went to {@code to} on {@code channel} after {@code since}, handed
     * over as itself (not carried in a bundle): what the bundle gap counts from.
     */
    Optional<Instant> lastUrgentHandOver(String to, Channel channel, Instant since, long otherThanIncident);

    /** An urgent message's hand-over: when, and which incident it was about. */
    record HandOver(Instant at, long incidentId) {}

    /**
     * The newest urgent message to {@code to} on {@code channel} after {@code since}, about any
     * incident, handed over as itself: one read answers {@link #lastUrgentHandOver} for every
     * incident but its own.
     */
    Optional<HandOver> newestUrgentHandOver(String to, Channel channel, Instant since);

    /**
     * PENDING urgent messages (PAGEs and who-took-it notices) to {@code to} on {@code channel} about
     * other incidents than {@code otherThanIncident}, never tried yet (a retry keeps its own schedule,
     * and may first have to ask the provider), oldest first: what a bundle to that phone may carry.
     */
    List<Page> pendingUrgentTo(String to, Channel channel, long otherThanIncident);

    /**
     * What a digest carries: PENDING notices that can wait (not who-took-it) to {@code to} on
     * {@code channel}, other than {@code otherThanPage}, due at {@code now} or deferred by the rate
     * limit (never tried: a retry keeps its back-off), oldest first, at most {@code max}; none with a
     * hand-over whose outcome is unknown, none carrying others (a digest waiting for its retry).
     */
    List<Page> pendingNoticesTo(String to, Channel channel, long otherThanPage, Instant now, int max);

    /**
     * A PENDING page goes out inside page {@code carrierId} (a bundle): SENT, handed over at
     * {@code at}, carried by it. False if it was no longer PENDING.
     */
    boolean carry(long pageId, long carrierId, Instant at);

    /** The pages carried by a page whose hand-over failed go back to PENDING at {@code at}; returns how many. */
    int releaseCarried(long carrierId, Instant at);

    /** The words of a page, as it is about to be sent (a bundle's text). */
    void rewrite(long pageId, String text);

    /** Back to PENDING at {@code at} (deferred or retry); {@code error} may be null. */
    void reschedule(long id, Instant at, String error);

    void markSent(long id, String providerId, Instant at);

    /** Only from SENDING or SENT. */
    boolean markDelivered(long id);

    /** Whether it was not FAILED already (a second report of one failure changes nothing). */
    boolean markFailed(long id, String error);

    /** PENDING pages of kind PAGE for the incident become CANCELLED; returns how many. */
    int cancelPending(long incidentId);

    /**
     * Once the caller is called back or the incident resolved: every PENDING page and notice of the
     * incident becomes CANCELLED (late call-back, service-level), except the who-took-it notices
     * ({@link Page#TAKEN_STEP}), which still tell the others to stand down. Returns how many.
     */
    int cancelPendingAll(long incidentId);

    /**
     * A ticket's service-level notices of this kind not sent yet (waiting for their turn, the
     * per-phone limit, or a retry) become CANCELLED; returns how many.
     */
    int cancelPendingTicketNotices(long ticketId, Notice notice);

    /** The newest PAGE-kind page to any of these numbers, preferring incidents still OPEN. */
    Optional<Page> newestPageTo(List<String> numbers);

    /** Ids of OPEN incidents with a PAGE-kind page already handed over (claimed) to any of these numbers, the one with the newest hand-over first. */
    List<Long> openIncidentsPagedTo(List<String> numbers);

    /**
     * The newest page of {@code kind} on {@code channel} handed over as itself (claimed, not carried
     * inside another) to any of these numbers: what a reply such as "aa" answers.
     */
    Optional<Page> newestHandedOverTo(List<String> numbers, PageKind kind, Channel channel);

    /** The pages that went out inside page {@code pageId} (a bundle), oldest first. */
    List<Page> carriedBy(long pageId);

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

    /**
     * Whether {@code providerId} may be the record of {@code pageId}'s hand-over begun at
     * {@code since} whose outcome is unknown: no page other than {@code pageId} was ever handed
     * over as it (its provider id now, or one {@link #noteProviderRecord noted}), no look-up found
     * it impossible to attribute, and it is not this page's own record from an earlier hand-over
     * whose answer came before {@code since} (a call that was busy, say, and is being retried).
     */
    boolean providerIdFree(String providerId, long pageId, Instant since);

    /**
     * Notes that the provider's record {@code providerId} is {@code pageId}'s hand-over, or, with
     * {@code pageId} null, that a look-up could not tell whose it is (it is then nobody's, for good).
     * Never fails for a record noted before or at the same moment; noting it twice is harmless.
     */
    void noteProviderRecord(String providerId, Long pageId, Instant at);

    /** Whether {@code providerId} was {@link #noteProviderRecord noted} as {@code pageId}'s own hand-over. */
    boolean providerRecordNotedAs(String providerId, long pageId);

    /**
     * Whether a provider record is {@link #noteProviderRecord noted} as {@code pageId}'s hand-over
     * claimed at {@code handedOverAt} (the journal's, when the database lost the result): that
     * hand-over, whose outcome was unknown, is accounted for.
     */
    boolean providerRecordNotedAt(long pageId, Instant handedOverAt);

    /**
     * Whether a page other than {@code pageId}, to {@code to} on {@code channel} (with this body,
     * when {@code body} is not null), has a hand-over whose outcome is unknown that began between
     * {@code claimedFrom} and {@code claimedBy}: SENDING under a claim in that window, or
     * unconfirmed since no later than {@code claimedBy} and claimed at or after {@code claimedFrom}.
     * Such a hand-over could have made a provider record created then, so the record cannot be
     * told to be {@code pageId}'s. A page carried in a bundle made no hand-over of its own.
     */
    boolean otherUnaccountedHandOver(long pageId, String to, Channel channel, String body, Instant claimedFrom,
            Instant claimedBy);

    /** The provider answered for this page (it has it, or it does not): nothing left to confirm. */
    void clearUnconfirmed(long pageId);

    void optOut(String phone, Instant at);

    void optIn(String phone);

    /** How many pages are in {@code state} (the outbox depth /metrics reports). */
    long countInState(PageState state);
}
