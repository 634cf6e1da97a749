package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.service.web.Passwords;
import org.pagerline.testkit.CliHarness;

/**
 * {@code pagerline user password NAME} (a forgotten or leaked password) and {@code pagerline user
 * remove NAME} (someone leaving): the old password, or the account, no longer signs in, and every
 * console session of that account ends at once; the others' stay. The last admin is kept.
 */
class UserPasswordAndRemoveEndTheirSessionsTest {
    static final String NEW_PASSWORD = "staple battery horse correct";
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    private int signIn(String name, String password) throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/console/signin");
        return b.submit("/console/signin", Map.of("name", name, "password", password)).statusCode();
    }

    @Test
    void aNewPasswordEndsEverySessionOfTheAccountAndOnlyTheNewOneSignsIn() throws Exception {
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        WebRig.Browser lars = rig.new Browser().staff("Lars Lead");
        String hash = new Passwords().hash(NEW_PASSWORD.toCharArray());

        CliHarness.Result r = CliHarness.run(rig.services, "user", "password", "tess tech", "--password-hash", hash);
        assertEquals(0, r.exit(), r.err());
        assertEquals("new password for Tess Tech; every console session of the account ended", r.out().trim());
        assertFalse(r.out().contains(hash), "the hash is not echoed");

        assertEquals(303, tess.get("/console").statusCode(), "Tess signs in again");
        assertEquals(200, lars.get("/console").statusCode(), "another's session stays");
        assertEquals(303, signIn("Tess Tech", NEW_PASSWORD), "the new password signs in");
        assertEquals(401, signIn("Tess Tech", WebRig.PASSWORD), "the old one is refused");

        CliHarness.Result noHash = CliHarness.run(rig.services, "user", "password", "Tess Tech");
        assertEquals(2, noHash.exit());
        assertTrue(noHash.err().contains("no password given"), noHash.err());
        CliHarness.Result typo = CliHarness.run(rig.services, "user", "password", "Tess Tek", "--password-hash", hash);
        assertEquals(2, typo.exit());
        assertEquals("error: no user named 'Tess Tek' (see: pagerline user list)", typo.err().trim());
    }

    @Test
    void aRemovedAccountCannotSignInItsSessionsEndAndTheLastAdminStays() throws Exception {
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        WebRig.Browser ada = rig.new Browser().staff("Ada Admin");

        CliHarness.Result r = CliHarness.run(rig.services, "user", "remove", "Tess Tech");
        assertEquals(0, r.exit(), r.err());
        assertEquals("removed user Tess Tech; 1 console session ended", r.out().trim());
        assertEquals(303, tess.get("/console").statusCode());
        assertEquals(401, signIn("Tess Tech", WebRig.PASSWORD), "refused");
        assertFalse(CliHarness.run(rig.services, "user", "list").out().contains("Tess Tech"));

        CliHarness.Result last = CliHarness.run(rig.services, "user", "remove", "ada admin");
        assertEquals(2, last.exit());
        assertEquals("error: 'Ada Admin' is the last admin account; add another admin first", last.err().trim());
        assertEquals(200, ada.get("/console").statusCode(), "the admin's session stays");
    }
}
