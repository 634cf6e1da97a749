package org.pagerline.core.roster;

import java.time.Instant;

/** A one-off replacement: {@code technicianId} holds {@code role} from start (inclusive) to end (exclusive). */
public record Override(long id, Role role, long technicianId, Instant start, Instant end) {

    public Override {
        if (role == null) {
            throw new IllegalArgumentException("override " + id + " has no role");
        }
        if (start == null || end == null) {
            throw new IllegalArgumentException("override " + id + " needs both a start and an end");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("override end " + end + " is not after its start " + start);
        }
    }

    public boolean covers(Instant at) {
        return !at.isBefore(start) && at.isBefore(end);
    }

    /** Same role and intersecting time ranges; one ending exactly when the other starts does not overlap. */
    public boolean overlaps(Override other) {
        return role == other.role && start.isBefore(other.end) && other.start.isBefore(end);
    }
}
