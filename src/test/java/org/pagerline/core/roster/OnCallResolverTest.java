package org.pagerline.core.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OnCallResolverTest {

    static final ZoneId WPG = ZoneId.of("America/Winnipeg");

    static Instant local(String s) {
        return LocalDateTime.parse(s).atZone(WPG).toInstant();
    }

    static Technician tech(long id, String name) {
        return new Technician(id, name, "+1204555000" + id, null, null, WPG);
    }

    final Map<Long, Technician> techs = Map.of(1L, tech(1, "Ann"), 2L, tech(2, "Bo"), 3L, tech(3, "Cy"));
    // Weekly from Monday 2026-01-05 09:00: Ann, then Bo.
    final Rotation primary = new Rotation(Role.PRIMARY, List.of(1L, 2L), ShiftLength.parse("1w"),
            LocalTime.of(9, 0), WPG, LocalDate.of(2026, 1, 5));
    final Map<Role, Rotation> rotations = Map.of(Role.PRIMARY, primary);

    @Test
    void rotationAnswersWhenNoOverride() {
        Instant at = local("2026-01-06T10:00");
        OnCallShift s = OnCallResolver.resolve(Role.PRIMARY, at, rotations, List.of(), techs).orElseThrow();
        assertEquals("Ann", s.technician().name());
        assertFalse(s.fromOverride());
        assertEquals(local("2026-01-12T09:00"), s.until());
    }

    @Test
    void overrideTakesPrecedenceUntilItEnds() {
        Override cover = new Override(100, Role.PRIMARY, 3L, local("2026-01-06T08:00"), local("2026-01-07T08:00"));
        OnCallShift s = OnCallResolver.resolve(Role.PRIMARY, local("2026-01-06T10:00"), rotations, List.of(cover), techs)
                .orElseThrow();
        assertEquals("Cy", s.technician().name());
        assertTrue(s.fromOverride());
        assertEquals(local("2026-01-07T08:00"), s.until());
        // after the override ends the rotation is back
        OnCallShift after = OnCallResolver.resolve(Role.PRIMARY, local("2026-01-07T08:00"), rotations, List.of(cover),
                techs).orElseThrow();
        assertEquals("Ann", after.technician().name());
    }

    @Test
    void untilIsCutShortByALaterOverride() {
        Override later = new Override(101, Role.PRIMARY, 3L, local("2026-01-08T17:00"), local("2026-01-09T09:00"));
        Override otherRole = new Override(102, Role.SECONDARY, 3L, local("2026-01-07T00:00"), local("2026-01-08T00:00"));
        OnCallShift s = OnCallResolver.resolve(Role.PRIMARY, local("2026-01-06T10:00"), rotations,
                List.of(later, otherRole), techs).orElseThrow();
        assertEquals("Ann", s.technician().name());
        assertEquals(local("2026-01-08T17:00"), s.until());
    }

    @Test
    void everyRoleIsReportedInOrderAndUnfilledRolesAreEmpty() {
        Map<Role, Optional<OnCallShift>> all = OnCallResolver.resolve(local("2026-01-06T10:00"), rotations,
                List.of(), techs);
        assertEquals(List.of(Role.values()), new ArrayList<>(all.keySet()));
        assertTrue(all.get(Role.PRIMARY).isPresent());
        assertEquals(Optional.empty(), all.get(Role.SECONDARY));
        assertEquals(Optional.empty(), all.get(Role.TEAM_LEAD));
        assertEquals(Optional.empty(), all.get(Role.VP_SERVICE));
    }

    @Test
    void overrideFillsARoleWithoutRotation() {
        Override lead = new Override(103, Role.TEAM_LEAD, 2L, local("2026-01-06T00:00"), local("2026-01-10T00:00"));
        Map<Role, Optional<OnCallShift>> all = OnCallResolver.resolve(local("2026-01-06T10:00"), rotations,
                List.of(lead), techs);
        OnCallShift s = all.get(Role.TEAM_LEAD).orElseThrow();
        assertEquals("Bo", s.technician().name());
        assertEquals(local("2026-01-10T00:00"), s.until());
        assertEquals(Optional.empty(), all.get(Role.SECONDARY));
    }

    @Test
    void deletedMemberLeavesTheShiftUnfilledUntilTheHandoff() {
        Rotation withGhost = new Rotation(Role.SECONDARY, List.of(99L, 2L), ShiftLength.parse("1w"),
                LocalTime.of(9, 0), WPG, LocalDate.of(2026, 1, 5));
        Map<Role, Rotation> rs = Map.of(Role.SECONDARY, withGhost);
        Instant at = local("2026-01-06T10:00");
        assertEquals(Optional.empty(), OnCallResolver.resolve(Role.SECONDARY, at, rs, List.of(), techs));
        assertEquals(Optional.of(local("2026-01-12T09:00")),
                OnCallResolver.nextChange(Role.SECONDARY, at, rs, List.of()));
        assertEquals("Bo", OnCallResolver.resolve(Role.SECONDARY, local("2026-01-12T09:00"), rs, List.of(), techs)
                .orElseThrow().technician().name());
    }

    @Test
    void nextChangeOfAnUnstaffedRoleIsTheNextOverride() {
        Override lead = new Override(104, Role.TEAM_LEAD, 2L, local("2026-01-08T00:00"), local("2026-01-09T00:00"));
        assertEquals(Optional.of(lead.start()),
                OnCallResolver.nextChange(Role.TEAM_LEAD, local("2026-01-06T10:00"), rotations, List.of(lead)));
        assertEquals(Optional.empty(),
                OnCallResolver.nextChange(Role.VP_SERVICE, local("2026-01-06T10:00"), rotations, List.of(lead)));
    }
}
