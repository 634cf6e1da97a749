package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An outside value in a log line stays on its line and shows what it is. */
class LogTextTest {
    @Test
    void controlCharactersAndBidiOverridesAreEscapedNotKept() {
        assertEquals("+1204\\n2026-11-19 ERROR forged\\r\\u001b[31m", LogText.of("+1204\n2026-11-19 ERROR forged\r\u001b[31m"));
        assertEquals("abc\\u202edcba", LogText.of("abc\u202edcba"), "a right-to-left override cannot reorder the line");
        assertEquals("a\\u2028b", LogText.of("a\u2028b"));
        assertEquals("back\\\\slash \\t tab", LogText.of("back\\slash \t tab"), "an escape cannot be forged with a backslash");
        assertEquals("Café +1 à vous", LogText.of("Café +1 à vous"), "ordinary text is untouched");
        assertEquals("null", LogText.of(null));
    }

    @Test
    void aLongValueIsCutWithAMark() {
        String s = LogText.of("x".repeat(5000));
        assertTrue(s.startsWith("x".repeat(200) + "...(4800 more)"), s);
        assertEquals(200 + "...(4800 more)".length(), s.length());
    }
}
