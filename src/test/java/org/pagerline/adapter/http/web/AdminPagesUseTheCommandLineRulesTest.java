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

    @Test
    void aRotationSetFromThePageWithBlankFieldsKeepsTheCurrentOnesAsTheCommandLineDoes() throws Exception {
        tech("Nora New", "+12045550155");
        rig.services.roster().setRotation(new org.pagerline.service.RosterService.RotationSpec(
                org.pagerline.core.roster.Role.SECONDARY, java.util.List.of("Tess Tech"), "1d", "07:00", "America/Toronto",
                "2026-11-02"));
        WebRig.Browser admin = rig.new Browser().staff("Ada Admin");
        admin.get("/console/admin");
        HttpResponse<String> r = admin.submit("/console/admin/rotations", Map.of("role", "SECONDARY", "members",
                "Tess Tech, Nora New", "shift", "", "handoff", "", "zone", "", "start", ""));
        assertEquals(303, r.statusCode(), r.body());
        var rot = rig.services.roster().rotations().get(org.pagerline.core.roster.Role.SECONDARY);
        assertEquals(2, rot.memberIds().size());
        assertEquals("07:00", rot.handoff().toString(), "not the page's old 09:00, nor the default");
        assertEquals("America/Toronto", rot.zone().getId());
        assertEquals(1, rot.shift().amount());
        assertEquals("2026-11-02", rot.startDate().toString(), "the turns did not restart today");
    }

    private long tech(String name, String phone) {
        return rig.services.roster().addTechnician(new org.pagerline.service.RosterService.NewTechnician(name, phone, null, null,
                "America/Winnipeg")).id();
    }

    @Test
    void aTechniciansNumbersAreChangedFromThePageAndAnotherTechniciansNumberIsRefusedAsTechSetRefusesIt() throws Exception {
        long nora = tech("Nora New", "+12045550155");
        WebRig.Browser admin = rig.new Browser().staff("Ada Admin");
        String page = admin.get("/console/admin").body();
        assertTrue(page.contains("action=\"/console/admin/technicians-edit\""), page);
        String cli = CliHarness.run(rig.services, "tech", "set", Long.toString(nora), "--phone", "+12045550111").err().trim();
        assertTrue(cli.contains("Tess Tech"), cli);
        HttpResponse<String> r = admin.submit("/console/admin/technicians-edit", Map.of("id", Long.toString(nora), "phone",
                "+12045550111", "sms", "", "email", "", "zone", "America/Winnipeg"));
        assertEquals(400, r.statusCode());
        assertTrue(unescaped(r.body()).contains("Not changed: " + cli.substring("error: ".length())), r.body());
        assertEquals("+12045550155", rig.services.roster().technician("Nora New").phone());

        r = admin.submit("/console/admin/technicians-edit", Map.of("id", Long.toString(nora), "phone", "+12045550156",
                "sms", "+12045550157", "email", "nora@desk.example", "zone", "America/Toronto"));
        assertEquals(303, r.statusCode());
        var after = rig.services.roster().technician("Nora New");
        assertEquals("+12045550156", after.phone());
        assertEquals("+12045550157", after.smsPhone());
        assertEquals("nora@desk.example", after.email());
        assertEquals("America/Toronto", after.zone().getId());
        assertTrue(admin.get("/console/admin").body().contains("technician " + nora + " (Nora New) now: phone +12045550156"));
        // an emptied SMS number texts the voice number again, as tech set --sms ""
        assertEquals(303, admin.submit("/console/admin/technicians-edit", Map.of("id", Long.toString(nora), "phone",
                "+12045550156", "sms", "", "email", "", "zone", "America/Toronto")).statusCode());
        assertEquals(null, rig.services.roster().technician("Nora New").smsPhone());
        assertEquals(null, rig.services.roster().technician("Nora New").email());
    }

    @Test
    void removingATechnicianInARotationOrHoldingAnOverrideIsRefusedNamingItAsTechRemoveDoes() throws Exception {
        long nora = tech("Nora New", "+12045550155");
        long otto = tech("Otto Other", "+12045550166");
        rig.services.roster().setRotation(new org.pagerline.service.RosterService.RotationSpec(
                org.pagerline.core.roster.Role.PRIMARY, java.util.List.of("Nora New"), "1w", "09:00", "America/Winnipeg", null));
        var override = rig.services.roster().addOverride(org.pagerline.core.roster.Role.SECONDARY, "Otto Other",
                rig.clock.instant().plusSeconds(3600), rig.clock.instant().plusSeconds(7200));
        WebRig.Browser admin = rig.new Browser().staff("Ada Admin");
        admin.get("/console/admin");

        String cli = CliHarness.run(rig.services, "tech", "remove", Long.toString(nora)).err().trim();
        assertTrue(cli.contains("PRIMARY"), cli);
        HttpResponse<String> r = admin.submit("/console/admin/technicians-remove", Map.of("id", Long.toString(nora)));
        assertEquals(400, r.statusCode());
        assertTrue(unescaped(r.body()).contains("Not changed: " + cli.substring("error: ".length())), r.body());

        cli = CliHarness.run(rig.services, "tech", "remove", Long.toString(otto)).err().trim();
        assertTrue(cli.contains("override " + override.id()), cli);
        r = admin.submit("/console/admin/technicians-remove", Map.of("id", Long.toString(otto)));
        assertEquals(400, r.statusCode());
        assertTrue(unescaped(r.body()).contains("Not changed: " + cli.substring("error: ".length())), r.body());
        assertEquals(3, rig.services.roster().technicians().size());

        admin.submit("/console/admin/overrides-remove", Map.of("id", Long.toString(override.id())));
        assertEquals(303, admin.submit("/console/admin/technicians-remove", Map.of("id", Long.toString(otto))).statusCode());
        assertTrue(admin.get("/console/admin").body().contains("technician " + otto + " removed: Otto Other"));
        assertEquals(java.util.List.of("Tess Tech", "Nora New"), rig.services.roster().technicians().stream()
                .map(org.pagerline.core.roster.Technician::name).toList());
    }
}
