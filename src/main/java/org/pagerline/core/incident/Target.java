package org.pagerline.core.incident;

import java.util.Locale;
import org.pagerline.core.roster.Role;

/**
 * Who a step pages: a role, resolved from the roster at the moment of paging, or a named
 * technician, or (internally, for the late call-back) one technician by id.
 */
public sealed interface Target {

    record OnCall(Role role) implements Target {
        @java.lang.Override
        public String toString() {
            return role.name();
        }
    }

    record Named(String name) implements Target {
        public Named {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a named target needs a technician name");
            }
            name = name.trim();
        }

        @java.lang.Override
        public String toString() {
            return "@" + name;
        }
    }

    record Technician(long id) implements Target {
        @java.lang.Override
        public String toString() {
            return "#" + id;
        }
    }

    static Target role(Role r) {
        return new OnCall(r);
    }

    /** "PRIMARY", "team-lead" or "@Ann Lee" (a technician by name). */
    static Target parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty target (expected a role such as PRIMARY or @Name)");
        }
        if (t.startsWith("@")) {
            return new Named(t.substring(1));
        }
        try {
            return new OnCall(Role.parse(t));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown target '" + t + "' (a role: PRIMARY, SECONDARY, TEAM_LEAD,"
                    + " VP_SERVICE; or a technician as @Name)");
        }
    }

    static String describe(java.util.List<Target> targets) {
        return String.join(",", targets.stream().map(Object::toString).toList()).toUpperCase(Locale.ROOT);
    }
}
