package org.pagerline.core.page;

/**
 * What a key pressed on a paging call means. The voice adapters (the Asterisk paging script, the
 * Twilio key webhook) turn the digit into one of these with {@link #of}; the paging service sees
 * only the meaning. The keypad is spoken in the paging call's menu (prompts.txt, PageTexts.KEYS).
 */
public enum PageKey {
    /** 1: take it and be connected to the caller now. */
    CONNECT_ME,
    /** 4: take it. */
    ACKNOWLEDGE,
    /** 5: pass it on to the next step, as of this page. */
    PASS_ON,
    /** 9: take every incident this paging call carries (a bundled page: the one played and the others). */
    ACKNOWLEDGE_ALL,
    /** *: hear it again. */
    REPEAT,
    /** Any other key: the menu is said again. */
    OTHER;

    /** The digit for this meaning ("?" for OTHER): the keypad, in the same place as {@link #of}. */
    public String digit() {
        return switch (this) {
            case CONNECT_ME -> "1";
            case ACKNOWLEDGE -> "4";
            case PASS_ON -> "5";
            case ACKNOWLEDGE_ALL -> "9";
            case REPEAT -> "*";
            case OTHER -> "?";
        };
    }

    /** The meaning of a DTMF digit ("1", "4", "5", "9", "*"); anything else is OTHER. */
    public static PageKey of(String digit) {
        String d = digit == null ? "" : digit.trim();
        return switch (d) {
            case "1" -> CONNECT_ME;
            case "4" -> ACKNOWLEDGE;
            case "5" -> PASS_ON;
            case "9" -> ACKNOWLEDGE_ALL;
            case "*" -> REPEAT;
            default -> OTHER;
        };
    }
}
