package org.pagerline.core.roster;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Works out who is on call: overrides first, then the rotation. */
public final class OnCallResolver {

    private OnCallResolver() {
    }

    /**
     * Every role, in escalation order (an EnumMap). An empty value means the role is unfilled at
     * {@code at}: no covering override and no rotation, or the scheduled technician no longer exists.
     */
    public static Map<Role, Optional<OnCallShift>> resolve(Instant at, Map<Role, Rotation> rotations,
                                                           Collection<Override> overrides,
                                                           Map<Long, Technician> technicians) {
        Map<Role, Optional<OnCallShift>> result = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            result.put(role, resolve(role, at, rotations, overrides, technicians));
        }
        return result;
    }

    /** One role; see {@link #resolve(Instant, Map, Collection, Map)}. */
    public static Optional<OnCallShift> resolve(Role role, Instant at, Map<Role, Rotation> rotations,
                                                Collection<Override> overrides,
                                                Map<Long, Technician> technicians) {
        Optional<Override> override = Overrides.covering(overrides, role, at);
        Rotation rotation = rotations.get(role);
        long technicianId;
        if (override.isPresent()) {
            technicianId = override.get().technicianId();
        } else if (rotation != null) {
            technicianId = rotation.memberIdAt(at);
        } else {
            return Optional.empty();
        }
        Technician technician = technicians.get(technicianId);
        if (technician == null) {
            return Optional.empty(); // deleted technician: the slot is unfilled until nextChange()
        }
        Instant until = nextChange(role, at, rotations, overrides).orElseThrow();
        return Optional.of(new OnCallShift(role, technician, until, override.isPresent()));
    }

    /**
     * When the answer for {@code role} next changes after {@code at}, filled or not: the covering
     * override's end or else the rotation's next hand-off, cut short by the start of any later
     * override for the role. Empty if nothing is scheduled ever to change it.
     */
    public static Optional<Instant> nextChange(Role role, Instant at, Map<Role, Rotation> rotations,
                                               Collection<Override> overrides) {
        Optional<Override> override = Overrides.covering(overrides, role, at);
        Rotation rotation = rotations.get(role);
        Instant end = override.map(Override::end)
                .orElse(rotation == null ? null : rotation.shiftEnd(at));
        Optional<Instant> nextOverride = Overrides.nextStart(overrides, role, at);
        if (nextOverride.isPresent() && (end == null || nextOverride.get().isBefore(end))) {
            end = nextOverride.get();
        }
        return Optional.ofNullable(end);
    }
}
