package org.pagerline.core.page;

/** Where one outbox row stands. */
public enum PageState {
    /** Written by the engine (or a response) in the decision's transaction; sent when next_attempt_at comes. */
    PENDING,
    /** Claimed by the dispatcher just before handing it to a channel. Left over after a crash: re-sent after the send timeout. */
    SENDING,
    /** Set by the dispatcher: the channel accepted it. */
    SENT,
    /** Set by a delivery report (SMS delivered, call answered). */
    DELIVERED,
    /** Set by the dispatcher or a delivery report: failed for good (a fallback page may follow). */
    FAILED,
    /** Set by PagingService/IncidentService on acknowledge, call-back or resolve: no longer needed. */
    CANCELLED
}
