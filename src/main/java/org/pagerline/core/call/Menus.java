package org.pagerline.core.call;

/**
 * The support line's digit prompts. Defaults are chosen so that a caller who cannot or does not
 * press keys still reaches a person or leaves a message: not urgent (the queue in hours, the
 * message menu out of hours), "other urgent" (P3), leave a message, keep the caller ID.
 */
public final class Menus {
    private Menus() {}

    public static final int TRIES = 3;
    public static final int REPEATS = 3;

    public static final Menu URGENCY = new Menu(CallStep.URGENCY, Prompt.URGENT_OR_NOT, "12", '2', TRIES, REPEATS);
    public static final Menu PRIORITY = new Menu(CallStep.PRIORITY, Prompt.PRIORITY, "123", '3', TRIES, REPEATS);
    public static final Menu AFTER_HOURS = new Menu(CallStep.MENU, Prompt.AFTER_HOURS_MENU, "12", '1', TRIES, REPEATS);
    public static final Menu CALLBACK_CONFIRM = new Menu(CallStep.CALLBACK, Prompt.CALLBACK_CONFIRM, "12", '1', TRIES, REPEATS);
    /** The technician's accept prompt: only '1' connects; silence (a voicemail) declines. */
    public static final Menu ACCEPT = new Menu(CallStep.RINGING, Prompt.ACCEPT_PRESS_1, "1", '0', 2, 1);
}
