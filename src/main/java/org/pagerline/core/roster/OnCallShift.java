package org.pagerline.core.roster;

import java.time.Instant;

/**
 * Who answers for a role right now.
 *
 * @param until        when this answer next changes (shift hand-off, override end, or a later override's start)
 * @param fromOverride true if an override, not the rotation, put this technician here
 */
public record OnCallShift(Role role, Technician technician, Instant until, boolean fromOverride) {

    public OnCallShift {
        if (role == null || technician == null || until == null) {
            throw new IllegalArgumentException("on-call shift needs a role, a technician and an end time");
        }
    }
}
