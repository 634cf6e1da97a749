package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.testkit.CliHarness;

/**
 * {@code pagerline user signout NAME}: every console session of that account ends now (a lost
 * laptop, a leaked session, someone leaving); the others' stay. A name nobody has is a clear error.
 */
class UserSignOutEndsTheirSessionsTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void signingAUserOutEverywhereEndsEachOfTheirSessionsAndNoOneElses() throws Exception {
        WebRig.Browser tessAtTheDesk = rig.new Browser().staff("Tess Tech");
        WebRig.Browser tessAtHome = rig.new Browser().staff("Tess Tech");
        WebRig.Browser lars = rig.new Browser().staff("Lars Lead");

        CliHarness.Result r = CliHarness.run(rig.services, "user", "signout", "tess tech");
        assertEquals(0, r.exit(), r.err());
        assertEquals("signed out Tess Tech everywhere: 2 console sessions ended", r.out().trim());

        for (WebRig.Browser tess : new WebRig.Browser[] {tessAtTheDesk, tessAtHome}) {
            var page = tess.get("/console");
            assertEquals(303, page.statusCode(), "asked to sign in again");
            assertTrue(page.headers().firstValue("Location").orElse("").endsWith("/console/signin"));
        }
        assertEquals(200, lars.get("/console").statusCode(), "another's session stays");

        CliHarness.Result typo = CliHarness.run(rig.services, "user", "signout", "Tess Tek");
        assertEquals(2, typo.exit());
        assertEquals("error: no user named 'Tess Tek' (see: pagerline user list)", typo.err().trim());
    }
}
