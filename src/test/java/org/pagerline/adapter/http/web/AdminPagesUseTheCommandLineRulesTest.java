package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.testkit.CliHarness;

/** An admin form refuses what its command refuses, with the command's own words, and changes nothing. */
class AdminPagesUseTheCommandLineRulesTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    private static String unescaped(String html) {
        return html.replace("&#39;", "'").replace("&#34;", "\"").replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void aTechnicianWithABadPhoneIsRefusedWithTheCommandLinesMessage() throws Exception {
        String cli = CliHarness.run(rig.services, "tech", "add", "--name", "Nora New", "--phone", "12345").err().trim();
        assertTrue(cli.startsWith("error: "), cli);
        WebRig.Browser admin = rig.new Browser().staff("Ada Admin");
        admin.get("/console/admin");
        HttpResponse<String> r = admin.submit("/console/admin/technicians", Map.of("name", "Nora New", "phone", "12345"));
        assertEquals(400, r.statusCode());
        assertTrue(unescaped(r.body()).contains("Not changed: " + cli.substring("error: ".length())), r.body());
        assertEquals(1, rig.services.roster().technicians().size());
    }

    @Test
    void aHolidayAndHoursSetFromThePageAreTheCalendarsAndABadWeekIsRefusedAsTheCliRefusesIt() throws Exception {
        WebRig.Browser admin = rig.new Browser().staff("Ada Admin");
        admin.get("/console/admin");
        assertEquals(303, admin.submit("/console/admin/holidays", Map.of("date", "2026-12-25", "name", "Christmas Day"))
                .statusCode());
        assertEquals("Christmas Day", rig.services.calendar().holidays().get(0).name());
        String cli = CliHarness.run(rig.services, "hours", "set", "Mon-Fri 17:00-08:00").err().trim();
        HttpResponse<String> r = admin.submit("/console/admin/hours", Map.of("week", "Mon-Fri 17:00-08:00"));
        assertEquals(400, r.statusCode());
        assertTrue(unescaped(r.body()).contains(cli.substring("error: ".length())), cli + " / " + r.body());
        assertTrue(rig.services.calendar().calendar().describeHours().startsWith("Monday to Friday, 8 AM to 5 PM"), rig.services.calendar().calendar().describeHours());
    }
}
