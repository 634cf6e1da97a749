package org.pagerline.core.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverrideTest {

    static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");

    static Override ov(long id, Role role, int fromHour, int toHour) {
        return new Override(id, role, 7L, T0.plusSeconds(fromHour * 3600L), T0.plusSeconds(toHour * 3600L));
    }

    @Test
    void endMustBeAfterStart() {
        var e = assertThrows(IllegalArgumentException.class, () -> ov(1, Role.PRIMARY, 5, 5));
        assertEquals("override end 2026-01-10T05:00:00Z is not after its start 2026-01-10T05:00:00Z", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ov(1, Role.PRIMARY, 5, 4));
    }

    @Test
    void coversStartButNotEnd() {
        Override o = ov(1, Role.PRIMARY, 2, 4);
        assertFalse(o.covers(T0.plusSeconds(2 * 3600 - 1)));
        assertTrue(o.covers(T0.plusSeconds(2 * 3600)));
        assertTrue(o.covers(T0.plusSeconds(4 * 3600 - 1)));
        assertFalse(o.covers(T0.plusSeconds(4 * 3600)));
    }

    @Test
    void overlapNeedsSameRoleAndSharedTime() {
        Override a = ov(1, Role.PRIMARY, 0, 4);
        assertTrue(a.overlaps(ov(2, Role.PRIMARY, 3, 6)));
        assertTrue(a.overlaps(ov(2, Role.PRIMARY, 1, 2))); // inside
        assertTrue(ov(2, Role.PRIMARY, 1, 2).overlaps(a));
        assertFalse(a.overlaps(ov(2, Role.PRIMARY, 4, 6))); // touching: back-to-back cover
        assertFalse(ov(2, Role.PRIMARY, 4, 6).overlaps(a));
        assertFalse(a.overlaps(ov(2, Role.SECONDARY, 0, 4)));
    }

    @Test
    void findOverlapReportsTheClashButNotTheOverrideBeingEdited() {
        List<Override> existing = List.of(ov(1, Role.PRIMARY, 0, 4), ov(2, Role.PRIMARY, 8, 12));
        assertEquals(Optional.of(existing.get(1)), Overrides.findOverlap(existing, ov(3, Role.PRIMARY, 10, 14)));
        assertEquals(Optional.empty(), Overrides.findOverlap(existing, ov(3, Role.PRIMARY, 4, 8)));
        // moving override 2 earlier overlaps only its old self, which doesn't count
        assertEquals(Optional.empty(), Overrides.findOverlap(existing, ov(2, Role.PRIMARY, 6, 10)));
        assertEquals(Optional.of(existing.get(0)), Overrides.findOverlap(existing, ov(2, Role.PRIMARY, 3, 10)));
    }
}
