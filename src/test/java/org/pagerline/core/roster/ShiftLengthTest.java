package org.pagerline.core.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShiftLengthTest {

    @Test
    void parsesShortAndLongForms() {
        assertEquals(new ShiftLength(12, ShiftUnit.HOURS), ShiftLength.parse("12h"));
        assertEquals(new ShiftLength(12, ShiftUnit.HOURS), ShiftLength.parse("12 hours"));
        assertEquals(new ShiftLength(1, ShiftUnit.DAYS), ShiftLength.parse("1d"));
        assertEquals(new ShiftLength(2, ShiftUnit.WEEKS), ShiftLength.parse("2w"));
        assertEquals(new ShiftLength(1, ShiftUnit.WEEKS), ShiftLength.parse(" 1 Week "));
        assertEquals("1 week", ShiftLength.parse("1w").toString());
        assertEquals("12 hours", ShiftLength.parse("12h").toString());
    }

    @Test
    void zeroIsRefusedWithTheReason() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShiftLength.parse("0h"));
        assertEquals("shift length must be positive, got 0 hours", e.getMessage());
    }

    @Test
    void garbageIsRefusedNamingTheInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShiftLength.parse("12"));
        assertTrue(e.getMessage().contains("'12'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftLength.parse("3 fortnights"));
        assertTrue(e.getMessage().contains("unknown unit 'fortnights'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftLength.parse("-1d"));
        assertTrue(e.getMessage().contains("'-1d'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShiftLength.parse("99999999999h"));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShiftLength.parse(null));
    }
}
