package org.pagerline.service;

/**
 * Caller ID as Asterisk hands it over is whatever the far end sent: any length, control
 * characters, quotes. Cleaned here, at the edge, so it always fits the ticket and call columns
 * (number VARCHAR(40), name VARCHAR(200)) and reads on one line. Review finding 9.
 */
final class CallerIdText {
    /** Longest caller ID number kept (E.164 is at most 16 characters; room for "anonymous" and the like). */
    static final int MAX_NUMBER = 32;
    /** Longest caller ID name kept. */
    static final int MAX_NAME = 80;
    /** Longest channel name quoted on the timeline. */
    static final int MAX_CHANNEL = 120;

    private CallerIdText() {
    }

    /** Printable characters only, whitespace collapsed, clipped; "" for nothing usable. */
    static String number(String raw) {
        return clip(clean(raw), MAX_NUMBER);
    }

    /** Printable characters only, whitespace collapsed, clipped; null for nothing usable. */
    static String name(String raw) {
        String s = clip(clean(raw), MAX_NAME);
        return s.isEmpty() ? null : s;
    }

    static String channel(String raw) {
        return clip(clean(raw), MAX_CHANNEL);
    }

    private static String clean(String raw) {
        if (raw == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(raw.length(), 256));
        boolean space = false;
        for (int i = 0; i < raw.length() && b.length() < 256; i++) {
            char c = raw.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '"') {
                space = b.length() > 0;
                continue;
            }
            if (Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT) {
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
            }
            b.append(c);
        }
        return b.toString();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max).trim();
    }
}
