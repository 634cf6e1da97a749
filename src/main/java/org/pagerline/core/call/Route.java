package org.pagerline.core.call;

/** Where a caller goes once the urgency question is settled. */
public enum Route {
    /** Urgent and a primary technician is on call: ring them, who must press 1 to accept. */
    RING_PRIMARY,
    /** Urgent with nobody to ring (role unfilled), or nobody accepted: call-back number and voicemail. */
    URGENT_MESSAGE,
    /** Not urgent, desk open: the help-desk queue. */
    QUEUE,
    /** Not urgent, desk closed: the hours, then message or urgent. */
    AFTER_HOURS
}
