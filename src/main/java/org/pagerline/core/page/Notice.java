package org.pagerline.core.page;

/**
 * What a notice tells (a page of kind {@link PageKind#NOTICE}): kept with it so that a call can
 * say it. A text carries its own words; a paging call has no text to speech on Asterisk, so the
 * call plays the recorded sentences this names, and on Twilio it speaks the text. Null on a page
 * asking for an acknowledgement and on a digest (texts only).
 */
public enum Notice {
    /** Someone took the incident: nothing to do. */
    TAKEN,
    /** The caller has not been called back within the promise (the incident is taken). */
    CALLBACK_LATE,
    /** The incident's respond-by deadline is near, the caller not called back yet. */
    RESPOND_NEAR,
    /** The incident's respond-by deadline has passed, the caller not called back. */
    RESPOND_MISSED,
    /** The caller called again and left another urgent message. */
    ANOTHER_MESSAGE,
    /** The caller called again, urgently, and hung up before leaving a message. */
    ANOTHER_CALL,
    /** A ticket's first-contact target is near (a ticket's clock: no incident behind it). */
    CONTACT_TARGET_NEAR,
    /** A ticket's first-contact target was missed. */
    CONTACT_TARGET_MISSED,
    /** A ticket's respond target is near. */
    RESPOND_TARGET_NEAR,
    /** A ticket's respond target was missed. */
    RESPOND_TARGET_MISSED,
    /** A ticket's resolve target is near. */
    RESOLVE_TARGET_NEAR,
    /** A ticket's resolve target was missed. */
    RESOLVE_TARGET_MISSED,
    /** An admin's test page ({@code pagerline page test}): nothing to do. */
    TEST
}
