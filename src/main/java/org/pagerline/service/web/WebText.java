package org.pagerline.service.web;

import org.pagerline.core.text.TextField;
import org.pagerline.service.ValidationException;

/** Text from a form, checked by the same rules as the command line's ({@link TextField}). */
final class WebText {
    private WebText() {}

    static String check(TextField field, String value) {
        try {
            return field.check(value);
        } catch (ValidationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    /**
     * Free text (a description, a note, a reply): kept as typed, with line breaks, at most
     * {@code max} characters; control characters other than newline and tab are refused.
     */
    static String body(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.replace("\r\n", "\n").replace('\r', '\n').strip();
        if (v.length() > max) {
            throw new ValidationException(what + " is " + v.length() + " characters long; at most " + max + " are allowed");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || (c >= 0x202A && c <= 0x202E)
                    || (c >= 0x2066 && c <= 0x2069)) {
                throw new ValidationException(what + " contains a control character at character " + (i + 1));
            }
        }
        return v;
    }
}
