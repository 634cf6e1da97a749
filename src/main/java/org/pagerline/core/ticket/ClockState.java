package org.pagerline.core.ticket;

/** A clock's state, derived from its facts (see {@link SlaClock#state()}). */
public enum ClockState {
    /** Counting down, no warning yet. */
    RUNNING,
    /** Stopped while the ticket waits on the customer (resolve clock only). */
    PAUSED,
    /** The target was met in time. */
    MET,
    /** The team lead was warned that the target is near; still counting. */
    WARNED,
    /** The target passed unmet (team lead and VP told); stays so even if met later. */
    BREACHED,
    /** The ticket was closed before the target was met; nothing more is counted. */
    STOPPED;

    public String words() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
