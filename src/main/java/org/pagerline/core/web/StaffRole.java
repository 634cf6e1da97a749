package org.pagerline.core.web;

import java.util.Locale;

/**
 * What a staff account may do in the console. Each level may do everything the one before it may.
 * Set by {@code pagerline user add --role}.
 */
public enum StaffRole {
    /** Technicians: see the desk, work tickets, acknowledge incidents, sign in to the queue. */
    TECH,
    /** The team lead (and the VP of service): as TECH; sees what is late. */
    LEAD,
    /** Admins: as LEAD, plus the admin pages (technicians, rotations, overrides, hours, holidays, policy). */
    ADMIN;

    public boolean atLeast(StaffRole other) {
        return ordinal() >= other.ordinal();
    }

    public static StaffRole parse(String s) {
        String t = s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
        for (StaffRole r : values()) {
            if (r.name().equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + s + "' (expected tech, lead or admin)");
    }
}
