package org.pagerline.core.text;

/**
 * The free text an admin types that the desk keeps, and the one place that says how long each
 * may be and which characters it may hold. The database columns are sized to these limits
 * ({@code TextFieldLimitsMatchTheSchemaTest} holds that), so a long text is refused here, naming
 * the limit, never by the database.
 *
 * <p>Every field is one line of plain text: control characters (newline, tab, ESC ...), line and
 * paragraph separators, unpaired surrogates and the Unicode bidirectional controls (U+202A-202E,
 * U+2066-2069, U+200E, U+200F, U+061C) are refused. They would split log lines and CLI output,
 * drive terminals, or make a name read differently from what it is ("Trojan Source").
 */
public enum TextField {
    TECHNICIAN_NAME("technician name", 200),
    EMAIL("email", 254),
    COMPANY("company", 200),
    CONTACT_NAME("contact name", 200),
    HOLIDAY_NAME("holiday name", 200),
    /** The escalation policy in its stored text form (steps, named technicians, repeat). */
    ESCALATION_POLICY("escalation policy", 2000),
    /** A ticket's internal note, a reason (wait, resolve, close, priority) or how the customer was reached. */
    TICKET_NOTE("ticket note", 1500);

    private final String label;
    private final int maxLength;

    TextField(String label, int maxLength) {
        this.label = label;
        this.maxLength = maxLength;
    }

    /** What the field is called in messages, e.g. "technician name". */
    public String label() {
        return label;
    }

    /** The most characters (UTF-16 units, never fewer than code points) the field may hold. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * The text to keep: {@code value} trimmed, or null when it is null or blank (the caller decides
     * whether the field is required).
     *
     * @throws IllegalArgumentException naming the field and what is wrong, never echoing the text
     */
    public String check(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int bad = firstForbidden(value);
        if (bad >= 0) {
            int cp = value.codePointAt(bad);
            throw new IllegalArgumentException(label + " contains " + describe(cp) + " at character " + (bad + 1)
                    + ": it must be one line of plain text");
        }
        String v = value.strip();
        if (v.length() > maxLength) {
            throw new IllegalArgumentException(label + " is " + v.length() + " characters long; at most " + maxLength
                    + " are allowed");
        }
        return v;
    }

    /** The index of the first character no field may hold, or -1. */
    public static int firstForbidden(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (forbidden(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    static boolean forbidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE || bidiControl(cp);
    }

    static boolean bidiControl(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
                || cp == 0x061C;
    }

    private static String describe(int cp) {
        String code = String.format("U+%04X", cp);
        if (bidiControl(cp)) {
            return "a Unicode bidirectional control (" + code + ")";
        }
        return switch (cp) {
            case '\n' -> "a newline (" + code + ")";
            case '\r' -> "a carriage return (" + code + ")";
            case '\t' -> "a tab (" + code + ")";
            case 0x1B -> "an escape character (" + code + ")";
            default -> "a control character (" + code + ")";
        };
    }
}
