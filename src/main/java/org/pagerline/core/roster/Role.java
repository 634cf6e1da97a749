package org.pagerline.core.roster;

import java.util.Locale;

/** The escalation ladder, in the order a page climbs it. */
public enum Role {
    PRIMARY, SECONDARY, TEAM_LEAD, VP_SERVICE;

    /** Case-insensitive; accepts '-' or ' ' for '_' (so "team-lead" and "Team Lead" both work). */
    public static Role parse(String s) {
        if (s != null) {
            String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            for (Role r : values()) {
                if (r.name().equals(key)) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException(
                "unknown role '" + s + "' (expected one of PRIMARY, SECONDARY, TEAM_LEAD, VP_SERVICE)");
    }
}
