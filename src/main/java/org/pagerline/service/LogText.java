package org.pagerline.service;

/**
 * A value from outside (a webhook field, a caller ID, a request path) made safe to put in a log
 * line: control characters (CR, LF, ESC, other C0/C1 controls, DEL) and the Unicode line and
 * paragraph separators and bidi controls become {@code \n}, {@code \r}, {@code \t} or
 * {@code \\u001b}-style escapes, a backslash doubles, and anything past 200 characters is cut with
 * a mark. So nobody can start a forged log line or hide text from whoever reads the log.
 *
 * <pre>{@code log.info("SMS from {} ignored", LogText.of(from)); }</pre>
 */
public final class LogText {
    static final int MAX = 200;

    private LogText() {}

    public static String of(String untrusted) {
        if (untrusted == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(untrusted.length(), MAX) + 8);
        int n = Math.min(untrusted.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = untrusted.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (unsafe(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (untrusted.length() > MAX) {
            b.append("...(").append(untrusted.length() - MAX).append(" more)");
        }
        return b.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) // C0, DEL, C1
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || (c >= '\u200e' && c <= '\u200f') || (c >= '\u202a' && c <= '\u202e') // bidi marks and embeddings
                || (c >= '\u2066' && c <= '\u2069') || c == '\u061c'; // bidi isolates, Arabic letter mark
    }
}
