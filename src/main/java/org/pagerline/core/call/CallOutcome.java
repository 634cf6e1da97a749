package org.pagerline.core.call;

/** How a support-line call ended; set by the call service when the script finishes. */
public enum CallOutcome {
    /** Urgent caller put through to the technician who accepted. */
    CONNECTED,
    /** Queue caller answered by a technician (who answered comes from the AMI queue events). */
    ANSWERED_IN_QUEUE,
    /** Urgent voicemail left; an incident was opened. */
    URGENT_VOICEMAIL,
    /** Non-urgent message left (queue wait over, or after hours). */
    MESSAGE,
    /** The caller hung up before the call reached an end; the step is on the call record. */
    HUNG_UP,
    /** pagerline could not serve the call (the dialplan's fallback took a voicemail). */
    FAILED,
    /**
     * pagerline stopped (or was killed) while the call ran: set at the stop for the calls still
     * live, or at the next start for those a killed server left; the timeline says so, so lines
     * the server had not saved yet are never lost silently.
     */
    CUT_OFF
}
