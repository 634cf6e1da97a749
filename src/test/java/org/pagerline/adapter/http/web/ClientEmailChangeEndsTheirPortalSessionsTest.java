package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.testkit.CliHarness;

/**
 * A contact's portal access follows their address: {@code pagerline client email ID ADDRESS} with
 * a new address (a mailbox handed over, a typo mended) ends the portal sessions signed in by the old
 * one and makes its unused sign-in links useless; {@code client remove} does the same. The other
 * contacts' sessions stay; setting the same address again changes nothing.
 */
class ClientEmailChangeEndsTheirPortalSessionsTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    /** Asks for a sign-in link for {@code email} and returns its path, unused. */
    private String linkFor(String email) throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/portal/signin");
        int before = rig.links.size();
        b.submit("/portal/signin", Map.of("email", email));
        return rig.links.get(before).substring(rig.base.length());
    }

    /** The answer to using a sign-in link: 303 signs in. */
    private int use(String path) throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get(path);
        return b.submit(path, Map.of()).statusCode();
    }

    @Test
    void aNewAddressEndsTheOldOnesSessionsAndLinksAndNoOneElses() throws Exception {
        WebRig.Browser jane = rig.new Browser().client("jane@acme.example");
        WebRig.Browser bob = rig.new Browser().client("bob@bolt.example");
        String mailedBefore = linkFor("jane@acme.example");

        CliHarness.Result same = CliHarness.run(rig.services, "client", "email", Long.toString(rig.jane.id()), "Jane@Acme.example");
        assertEquals(0, same.exit(), same.err());
        assertEquals(200, jane.get("/portal").statusCode(), "the same address again changes nothing");

        CliHarness.Result r = CliHarness.run(rig.services, "client", "email", Long.toString(rig.jane.id()), "jane.doe@acme.example");
        assertEquals(0, r.exit(), r.err());

        assertEquals(303, jane.get("/portal").statusCode(), "signed in by the old address: asked to sign in again");
        assertNotEquals(303, use(mailedBefore), "a link mailed to the old address no longer signs in");
        assertEquals(200, bob.get("/portal").statusCode(), "another contact's session stays");
        assertEquals(303, use(linkFor("jane.doe@acme.example")), "the new address signs in");
    }

    @Test
    void aRemovedContactsSessionsAndLinksEnd() throws Exception {
        WebRig.Browser bob = rig.new Browser().client("bob@bolt.example");
        String mailed = linkFor("bob@bolt.example");

        CliHarness.Result r = CliHarness.run(rig.services, "client", "remove", Long.toString(rig.bob.id()));
        assertEquals(0, r.exit(), r.err());

        assertTrue(bob.get("/portal").statusCode() == 303, "a removed contact is signed out");
        assertNotEquals(303, use(mailed), "their link no longer signs in");
    }
}
