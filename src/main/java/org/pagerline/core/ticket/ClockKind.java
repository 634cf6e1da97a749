package org.pagerline.core.ticket;

/** The service-level clocks a ticket can carry (PRODUCT.md, "Priorities and service levels"). */
public enum ClockKind {
    /**
     * Acknowledge/contact: six business hours for email and portal tickets (met when a technician
     * takes the ticket or contacts the customer); the urgent line's call-back promise (30 minutes,
     * wall clock, from the voicemail; met when the customer is contacted).
     */
    CONTACT,
    /** Respond (call back) within: P1/P2 2 h wall clock, P3 4 h, P4/P5 8 h of business time. Never paused. */
    RESPOND,
    /**
     * Resolve within: P1/P2 8 h wall clock; P3 1 business day, P4 2 business days, P5 by the close of
     * the next business day; a desktop project request (no priority) 1 business day. Paused while
     * waiting on the customer (and while resolved).
     */
    RESOLVE;

    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
