package org.pagerline.service;

/** How a technician's accept key went ({@link CallService#accept(long, String, long, java.time.Duration)}). */
public enum Acceptance {
    /** Written: the call is theirs, and the caller is put through. */
    WRITTEN,
    /** The call had ended, or another technician had it: not put through. */
    REFUSED,
    /**
     * Not written within the wait (the database slow, the call's ticket held elsewhere, a write that
     * failed): the caller is put through all the same, and the write goes on without them.
     */
    PUT_THROUGH_UNWRITTEN
}
