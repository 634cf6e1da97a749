package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.service.web.Tokens;

/** CSRF token, Origin check, cookie flags, sign-in rate limits and link rules, over real HTTP. */
class FormsRefusedWithoutTokenOrFromElsewhereTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    private long notes() {
        return rig.db.transactions().inTransaction(s -> s.tickets().list(10).stream()
                .mapToLong(t -> s.tickets().events(t.id()).stream().filter(e -> e.kind().equals("NOTE")).count()).sum());
    }

    private long aTicket() {
        return rig.services.tickets().openOrReuse(org.pagerline.core.ticket.TicketSource.PHONE, "+12045550123", "Jane Doe",
                "Acme Ltd", java.time.Duration.ZERO).id();
    }

    @Test
    void aStaffFormWithoutTheSessionsTokenChangesNothing() throws Exception {
        long t = aTicket();
        WebRig.Browser b = rig.new Browser().staff("Tess Tech");
        HttpResponse<String> r = b.post("/console/tickets/" + t + "/note", Map.of("text", "forged"));
        assertEquals(403, r.statusCode());
        r = b.post("/console/tickets/" + t + "/note", Map.of("text", "forged", "_csrf", "x".repeat(43)));
        assertEquals(403, r.statusCode());
        assertEquals(0, notes());
        assertEquals(303, b.submit("/console/tickets/" + t + "/note", Map.of("text", "real")).statusCode());
        assertEquals(1, notes());
    }

    @Test
    void aFormPostedFromAnotherOriginIsRefusedEvenWithTheToken() throws Exception {
        long t = aTicket();
        WebRig.Browser b = rig.new Browser().staff("Tess Tech");
        b.origin = "https://evil.example";
        assertEquals(403, b.submit("/console/tickets/" + t + "/note", Map.of("text", "x")).statusCode());
        b.origin = null; // no Origin and no Referer
        assertEquals(403, b.submit("/console/tickets/" + t + "/note", Map.of("text", "x")).statusCode());
        assertEquals(0, notes());
    }

    @Test
    void anHtmxRequestCarriesTheTokenInItsHeader() throws Exception {
        long t = aTicket();
        WebRig.Browser b = rig.new Browser().staff("Tess Tech");
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(rig.base + "/console/tickets/" + t + "/note"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", rig.base)
                .header("HX-Request", "true").header("X-CSRF-Token", b.csrf)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("text=via+htmx")).build();
        assertEquals(303, b.client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(1, notes());
    }

    @Test
    void theSessionCookieIsHttpOnlyAndLaxAndNeverInThePage() throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/console/signin");
        HttpResponse<String> r = b.submit("/console/signin", Map.of("name", "Tess Tech", "password", WebRig.PASSWORD));
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("pl_console=")).findFirst()
                .orElseThrow();
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Lax"), cookie);
        assertTrue(cookie.contains("Path=/console"), cookie);
        assertFalse(cookie.contains("Secure"), "plain http public-url: no Secure flag " + cookie);
        String token = cookie.substring("pl_console=".length(), cookie.indexOf(';'));
        assertFalse(b.get("/console").body().contains(token));
        // the database keeps only the token's hash
        assertTrue(rig.db.transactions().inTransaction(s -> s.web().session(token)).isEmpty());
        assertTrue(rig.db.transactions().inTransaction(s -> s.web().session(Tokens.hash(token))).isPresent());
    }

    @Test
    void fiveWrongPasswordsLockTheNameForFifteenMinutesEvenWithTheRightOne() throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/console/signin");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, b.submit("/console/signin", Map.of("name", "Tess Tech", "password", "wrong guess " + i)).statusCode());
        }
        assertEquals(429, b.submit("/console/signin", Map.of("name", "Tess Tech", "password", WebRig.PASSWORD)).statusCode());
        rig.clock.advance(java.time.Duration.ofMinutes(16));
        assertEquals(303, b.submit("/console/signin", Map.of("name", "Tess Tech", "password", WebRig.PASSWORD)).statusCode());
    }

    @Test
    void theLinkAnswerIsTheSameForAKnownAndAnUnknownAddress() throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/portal/signin");
        String known = b.submit("/portal/signin", Map.of("email", "jane@acme.example")).body();
        String unknown = b.submit("/portal/signin", Map.of("email", "nobody@acme.example")).body();
        assertEquals(known.replaceAll("value=\"[^\"]+\"", ""), unknown.replaceAll("value=\"[^\"]+\"", ""));
        assertEquals(1, rig.links.size(), "a link only for the known address");
    }

    @Test
    void aLinkWorksOnceAndNotAfterFifteenMinutes() throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/portal/signin");
        b.submit("/portal/signin", Map.of("email", "jane@acme.example"));
        b.submit("/portal/signin", Map.of("email", "JANE@acme.example"));
        String first = rig.links.get(0).substring(rig.base.length());
        String second = rig.links.get(1).substring(rig.base.length());
        b.get(first);
        assertEquals(303, b.submit(first, Map.of()).statusCode());
        WebRig.Browser other = rig.new Browser();
        other.get(first);
        assertEquals(400, other.submit(first, Map.of()).statusCode(), "used once already");
        rig.clock.advance(java.time.Duration.ofMinutes(15).plusSeconds(1));
        other.get(second);
        assertEquals(400, other.submit(second, Map.of()).statusCode(), "expired");
    }

    @Test
    void aContactGetsAtMostThreeLinksInFifteenMinutes() throws Exception {
        WebRig.Browser b = rig.new Browser();
        b.get("/portal/signin");
        for (int i = 0; i < 5; i++) {
            assertEquals(200, b.submit("/portal/signin", Map.of("email", "jane@acme.example")).statusCode());
        }
        assertEquals(3, rig.links.size());
    }

    @Test
    void pageTextFromCallersIsEscaped() throws Exception {
        long t = rig.services.tickets().openOrReuse(org.pagerline.core.ticket.TicketSource.PHONE, "+12045550199",
                "<script>alert(1)</script>", "Acme Ltd", java.time.Duration.ZERO).id();
        WebRig.Browser b = rig.new Browser().staff("Tess Tech");
        String page = b.get("/console/tickets/" + t).body();
        assertFalse(page.contains("<script>alert(1)</script>"));
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
}
