package org.pagerline.adapter.http.web;

import java.util.List;
import java.util.Map;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.Holiday;
import org.pagerline.core.roster.Override;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Rotation;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.web.StaffUser;

/** What the admin page shows. */
public record AdminView(List<Technician> technicians, Map<Role, Rotation> rotations, List<Override> overrides,
        BusinessCalendar calendar, List<Holiday> holidays, String policy, List<StaffUser> accounts) {

    public String techName(long id) {
        return technicians.stream().filter(t -> t.id() == id).map(Technician::name).findFirst().orElse("#" + id);
    }

    public List<Role> roles() {
        return List.of(Role.values());
    }
}
