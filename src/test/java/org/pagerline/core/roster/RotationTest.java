package org.pagerline.core.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationTest {

    static final ZoneId WPG = ZoneId.of("America/Winnipeg");

    static Instant local(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(WPG).toInstant();
    }

    static Rotation daily(LocalTime handoff) {
        return new Rotation(Role.PRIMARY, List.of(1L, 2L, 3L), ShiftLength.parse("1d"), handoff, WPG,
                LocalDate.of(2026, 3, 1));
    }

    static Rotation weekly() {
        // Monday 2026-01-05 09:00 Winnipeg: 10, then 20, then 30, then 10 again ...
        return new Rotation(Role.PRIMARY, List.of(10L, 20L, 30L), ShiftLength.parse("1w"), LocalTime.of(9, 0),
                WPG, LocalDate.of(2026, 1, 5));
    }

    @Test
    void handoffStaysAt8LocalAcrossSpringForward() {
        Rotation r = daily(LocalTime.of(8, 0));
        // 2026-03-08 08:00 CDT is 13:00Z; the day before, 08:00 CST was 14:00Z: a 23-hour shift.
        Instant justBefore = Instant.parse("2026-03-08T12:59:59Z");
        assertEquals(Instant.parse("2026-03-07T14:00:00Z"), r.shiftStart(justBefore));
        assertEquals(Instant.parse("2026-03-08T13:00:00Z"), r.shiftEnd(justBefore));
        assertEquals(0, r.memberIndexAt(justBefore)); // shift 6
        Instant handoff = Instant.parse("2026-03-08T13:00:00Z");
        assertEquals(1, r.memberIndexAt(handoff)); // shift 7
        assertEquals(2L, r.memberIdAt(handoff));
        assertEquals(LocalTime.of(8, 0), r.shiftStart(handoff).atZone(WPG).toLocalTime());
        assertEquals(LocalTime.of(8, 0), r.shiftEnd(handoff).atZone(WPG).toLocalTime());
        assertEquals(Duration.ofHours(24), Duration.between(r.shiftStart(handoff), r.shiftEnd(handoff)));
    }

    @Test
    void handoffStaysAt8LocalAcrossFallBack() {
        Rotation r = daily(LocalTime.of(8, 0));
        // Oct 31 is shift 244 (member index 1); it runs 08:00 CDT (13:00Z) to 08:00 CST (14:00Z): 25 hours.
        Instant at = Instant.parse("2026-11-01T13:30:00Z"); // 07:30 CST Nov 1
        assertEquals(1, r.memberIndexAt(at));
        assertEquals(Instant.parse("2026-10-31T13:00:00Z"), r.shiftStart(at));
        assertEquals(Instant.parse("2026-11-01T14:00:00Z"), r.shiftEnd(at));
        assertEquals(2, r.memberIndexAt(Instant.parse("2026-11-01T14:00:00Z")));
        assertEquals(LocalTime.of(8, 0), r.shiftEnd(at).atZone(WPG).toLocalTime());
    }

    @Test
    void handoffInsideTheSpringGapMovesLaterByTheGap() {
        Rotation r = daily(LocalTime.of(2, 30));
        // 02:30 does not exist on 2026-03-08 in Winnipeg; ZonedDateTime makes it 03:30 CDT (08:30Z).
        Instant start = r.shiftStart(Instant.parse("2026-03-08T12:00:00Z"));
        assertEquals(Instant.parse("2026-03-08T08:30:00Z"), start);
        assertEquals(LocalTime.of(2, 30), r.shiftEnd(start).atZone(WPG).toLocalTime());
    }

    @Test
    void hourlyShiftsAcrossTheGapNeverProduceAnEmptyShift() {
        Rotation r = new Rotation(Role.PRIMARY, List.of(1L, 2L), ShiftLength.parse("1h"), LocalTime.MIDNIGHT, WPG,
                LocalDate.of(2026, 3, 8));
        for (Instant t = Instant.parse("2026-03-08T04:00:00Z"); t.isBefore(Instant.parse("2026-03-08T12:00:00Z"));
             t = t.plusSeconds(600)) {
            assertTrue(!r.shiftStart(t).isAfter(t) && r.shiftEnd(t).isAfter(t), "at " + t);
        }
    }

    @Test
    void weeklyRotationOfThreeMembers() {
        Rotation r = weekly();
        assertEquals(10L, r.memberIdAt(local("2026-01-05T09:00")));
        assertEquals(10L, r.memberIdAt(local("2026-01-12T08:59:59")));
        assertEquals(20L, r.memberIdAt(local("2026-01-12T09:00")));
        assertEquals(30L, r.memberIdAt(local("2026-01-19T09:00")));
        assertEquals(10L, r.memberIdAt(local("2026-01-26T09:00")));
        assertEquals(local("2026-02-02T09:00"), r.shiftEnd(local("2026-01-30T23:00")));
    }

    @Test
    void twelveHourShifts() {
        Rotation r = new Rotation(Role.SECONDARY, List.of(1L, 2L), ShiftLength.parse("12h"), LocalTime.of(7, 0),
                WPG, LocalDate.of(2026, 1, 5));
        Instant evening = local("2026-01-05T19:00");
        assertEquals(2L, r.memberIdAt(evening));
        assertEquals(evening, r.shiftStart(evening));
        assertEquals(local("2026-01-06T07:00"), r.shiftEnd(evening));
        assertEquals(1L, r.memberIdAt(local("2026-01-06T07:00")));
        assertEquals(2L, r.memberIdAt(local("2026-01-05T06:59"))); // before the start: shift -1
    }

    @Test
    void instantsBeforeTheStartDateCountBackwards() {
        Rotation r = weekly();
        Instant sunday = local("2026-01-04T12:00");
        assertEquals(30L, r.memberIdAt(sunday)); // shift -1
        assertEquals(local("2025-12-29T09:00"), r.shiftStart(sunday));
        assertEquals(local("2026-01-05T09:00"), r.shiftEnd(sunday));
        assertEquals(20L, r.memberIdAt(local("2025-12-22T09:00"))); // shift -2
    }

    @Test
    void duplicateMembersTakeTheirTurns() {
        Rotation r = new Rotation(Role.PRIMARY, List.of(1L, 2L, 1L), ShiftLength.parse("1d"), LocalTime.NOON,
                WPG, LocalDate.of(2026, 1, 1));
        assertEquals(1L, r.memberIdAt(local("2026-01-03T13:00")));
        assertEquals(2, r.memberIndexAt(local("2026-01-03T13:00")));
    }

    @Test
    void farAwayInstantsAgreeWithWalkingShiftByShift() {
        List<Rotation> rotations = List.of(weekly(), daily(LocalTime.of(8, 0)),
                new Rotation(Role.PRIMARY, List.of(1L, 2L, 3L, 4L, 5L), ShiftLength.parse("12h"), LocalTime.of(2, 30),
                        WPG, LocalDate.of(2026, 3, 1)));
        List<Instant> probes = new ArrayList<>();
        for (Instant t = local("2024-01-01T00:00"); t.isBefore(local("2029-01-01T00:00")); t = t.plusSeconds(86_413 * 7)) {
            probes.add(t);
        }
        probes.add(local("2028-03-12T03:30")); // just after a gap
        probes.add(local("2028-11-05T01:30")); // inside an overlap
        for (Rotation r : rotations) {
            for (Instant at : probes) {
                Instant[] expected = walk(r, at);
                assertEquals(expected[0], r.shiftStart(at), r.shift() + " at " + at);
                assertEquals(expected[1], r.shiftEnd(at), r.shift() + " at " + at);
            }
        }
    }

    /** Reference: step the local clock one shift at a time from well before the start. */
    private static Instant[] walk(Rotation r, Instant at) {
        long back = 400L * r.shift().amount(); // a whole number of shifts, years before any probe
        LocalDateTime origin = r.startDate().atTime(r.handoff());
        LocalDateTime t = switch (r.shift().unit()) {
            case HOURS -> origin.minusHours(back * 12);
            case DAYS -> origin.minusDays(back * 5);
            case WEEKS -> origin.minusWeeks(back);
        };
        while (true) {
            LocalDateTime next = switch (r.shift().unit()) {
                case HOURS -> t.plusHours(r.shift().amount());
                case DAYS -> t.plusDays(r.shift().amount());
                case WEEKS -> t.plusWeeks(r.shift().amount());
            };
            Instant nextStart = next.atZone(r.zone()).toInstant();
            if (nextStart.isAfter(at) && !t.atZone(r.zone()).toInstant().isAfter(at)) {
                return new Instant[] {t.atZone(r.zone()).toInstant(), nextStart};
            }
            t = next;
        }
    }

    @Test
    void decadesAwayIsCheap() {
        Rotation r = new Rotation(Role.PRIMARY, List.of(1L, 2L), ShiftLength.parse("1h"), LocalTime.MIDNIGHT, WPG,
                LocalDate.of(2026, 1, 1));
        Instant at = Instant.parse("2226-06-01T12:34:56Z");
        Instant start = r.shiftStart(at);
        assertTrue(!start.isAfter(at) && r.shiftEnd(at).isAfter(at));
        assertEquals(0, start.atZone(WPG).getMinute());
    }

    @Test
    void rotationWithoutMembersIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Rotation(Role.PRIMARY, List.of(),
                ShiftLength.parse("1w"), LocalTime.NOON, WPG, LocalDate.of(2026, 1, 1)));
        assertEquals("rotation for PRIMARY has no members", e.getMessage());
    }

    @Test
    void membersAreCopied() {
        List<Long> ids = new ArrayList<>(List.of(1L, 2L));
        Rotation r = new Rotation(Role.PRIMARY, ids, ShiftLength.parse("1w"), LocalTime.NOON, WPG,
                LocalDate.of(2026, 1, 1));
        ids.add(3L);
        assertEquals(List.of(1L, 2L), r.memberIds());
        assertThrows(UnsupportedOperationException.class, () -> r.memberIds().add(4L));
    }
}
