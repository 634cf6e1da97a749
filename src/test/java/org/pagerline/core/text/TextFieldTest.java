package org.pagerline.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextFieldTest {
    @Test
    void a_refusal_names_the_field_and_the_character_but_never_echoes_the_text() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextField.COMPANY.check("Acme\u202E gnp.exe"));
        assertEquals("company contains a Unicode bidirectional control (U+202E) at character 5: it must be one line"
                + " of plain text", e.getMessage());
        assertFalse(e.getMessage().contains("Acme"));
    }

    @Test
    void text_is_trimmed_and_blank_is_absent() {
        assertEquals("Jane Doe", TextField.CONTACT_NAME.check("  Jane Doe "));
        assertNull(TextField.CONTACT_NAME.check("   "));
        assertNull(TextField.CONTACT_NAME.check(null));
    }

    @Test
    void the_limit_counts_what_is_kept_after_trimming() {
        assertEquals(200, TextField.HOLIDAY_NAME.check(" " + "h".repeat(200) + " ").length());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TextField.HOLIDAY_NAME.check("h".repeat(201)))
                .getMessage().equals("holiday name is 201 characters long; at most 200 are allowed"));
    }

    @Test
    void a_lone_surrogate_is_refused_and_a_pair_is_a_character() {
        assertThrows(IllegalArgumentException.class, () -> TextField.TECHNICIAN_NAME.check("Bad\uD83D name"));
        assertEquals("Good \uD83D\uDC4D", TextField.TECHNICIAN_NAME.check("Good \uD83D\uDC4D"));
    }
}
