package org.pagerline.core.roster;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Who holds a role, by turns. Shift k starts at {@code startDate} + {@code handoff} plus k shifts,
 * computed on the local clock of {@code zone}: an 08:00 hand-off stays at 08:00 local across
 * daylight-saving changes (so a shift spanning the change is an hour shorter or longer).
 * A hand-off time that falls in a spring-forward gap resolves as {@link java.time.ZonedDateTime}
 * does (pushed later by the gap); in a fall-back overlap the earlier offset is used.
 * The rotation runs forever in both directions: shift k (k may be negative) belongs to
 * {@code memberIds[floorMod(k, size)]}.
 *
 * @param memberIds technician ids in rotation order; a member may appear more than once
 */
public record Rotation(Role role, List<Long> memberIds, ShiftLength shift, LocalTime handoff, ZoneId zone,
                      LocalDate startDate) {

    public Rotation {
        if (role == null) {
            throw new IllegalArgumentException("rotation has no role");
        }
        if (memberIds == null || memberIds.isEmpty()) {
            throw new IllegalArgumentException("rotation for " + role + " has no members");
        }
        if (memberIds.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("rotation for " + role + " has a null member id");
        }
        memberIds = List.copyOf(memberIds);
        if (shift == null) {
            throw new IllegalArgumentException("rotation for " + role + " has no shift length");
        }
        if (handoff == null) {
            throw new IllegalArgumentException("rotation for " + role + " has no hand-off time");
        }
        if (zone == null) {
            throw new IllegalArgumentException("rotation for " + role + " has no time zone");
        }
        if (startDate == null) {
            throw new IllegalArgumentException("rotation for " + role + " has no start date");
        }
    }

    /** The signed number of the shift containing {@code at}; shift 0 starts at the start date's hand-off. */
    public long shiftIndexAt(Instant at) {
        Instant origin = boundary(0);
        // Estimate from the nominal length, then correct: DST only moves boundaries by an hour or
        // two, so the adjusting loops run at most a couple of times.
        long k = Math.floorDiv(at.getEpochSecond() - origin.getEpochSecond(), shift.nominalSeconds());
        while (boundary(k).isAfter(at)) {
            k--;
        }
        // "<=": also steps over a zero-length shift (possible only for hourly shifts across a gap).
        while (!boundary(k + 1).isAfter(at)) {
            k++;
        }
        return k;
    }

    /** Position in {@link #memberIds()} of whoever holds the shift containing {@code at}. */
    public int memberIndexAt(Instant at) {
        return Math.floorMod(shiftIndexAt(at), memberIds.size());
    }

    /** Technician id of whoever holds the shift containing {@code at}. */
    public long memberIdAt(Instant at) {
        return memberIds.get(memberIndexAt(at));
    }

    /** Start (inclusive) of the shift containing {@code at}. */
    public Instant shiftStart(Instant at) {
        return boundary(shiftIndexAt(at));
    }

    /** End (exclusive) of the shift containing {@code at}: the next hand-off. */
    public Instant shiftEnd(Instant at) {
        return boundary(shiftIndexAt(at) + 1);
    }

    /** The instant shift k starts. */
    public Instant boundary(long k) {
        LocalDateTime local = shift.addTo(startDate.atTime(handoff), k);
        return local.atZone(zone).toInstant();
    }
}
