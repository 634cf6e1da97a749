package org.pagerline.core.roster;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Queries over a set of overrides. */
public final class Overrides {

    private Overrides() {
    }

    /**
     * The earliest-starting existing override that {@code candidate} would overlap, if any.
     * An existing override with the candidate's id is ignored, so an edit doesn't clash with itself.
     */
    public static Optional<Override> findOverlap(Collection<Override> existing, Override candidate) {
        return existing.stream()
                .filter(o -> o.id() != candidate.id())
                .filter(candidate::overlaps)
                .min(Comparator.comparing(Override::start).thenComparingLong(Override::id));
    }

    /**
     * The override in force for {@code role} at {@code at}. Overlaps should have been refused on entry;
     * if some slipped through anyway, the latest-starting one wins (then the highest id), so a
     * short swap inside a long cover still takes effect.
     */
    public static Optional<Override> covering(Collection<Override> overrides, Role role, Instant at) {
        return overrides.stream()
                .filter(o -> o.role() == role && o.covers(at))
                .max(Comparator.comparing(Override::start).thenComparingLong(Override::id));
    }

    /** The earliest start strictly after {@code at} of an override for {@code role}. */
    public static Optional<Instant> nextStart(Collection<Override> overrides, Role role, Instant at) {
        return overrides.stream()
                .filter(o -> o.role() == role && o.start().isAfter(at))
                .map(Override::start)
                .min(Comparator.naturalOrder());
    }
}
