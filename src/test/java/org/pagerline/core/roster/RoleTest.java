package org.pagerline.core.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void parsesLeniently() {
        assertEquals(Role.TEAM_LEAD, Role.parse("team-lead"));
        assertEquals(Role.TEAM_LEAD, Role.parse(" Team_Lead "));
        assertEquals(Role.VP_SERVICE, Role.parse("vp-service"));
        assertEquals(Role.PRIMARY, Role.parse("primary"));
    }

    @Test
    void unknownRoleListsTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> Role.parse("boss"));
        assertEquals("unknown role 'boss' (expected one of PRIMARY, SECONDARY, TEAM_LEAD, VP_SERVICE)",
                e.getMessage());
    }
}
