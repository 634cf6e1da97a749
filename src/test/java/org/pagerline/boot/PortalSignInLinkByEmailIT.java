package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.directory.Client;
import org.pagerline.service.ClientService;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.Ports;

/**
 * The whole server with mail on (GreenMail's real SMTP and IMAP): a client contact asks the portal
 * for a sign-in link, receives it by email over SMTP, and signs in with it, once. An unknown address
 * gets the same answer and no mail. (With mail off the link goes by SMS: ConsoleAndPortalBrowserIT.)
 */
@Timeout(90)
class PortalSignInLinkByEmailIT {
    @TempDir
    Path dir;
    GreenMail gm;
    PagerlineServer server;
    String base;
    final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        gm = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        gm.start();
        gm.setUser("help@desk.test", "help@desk.test", "pw");
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        Settings s = new Settings(Map.ofEntries(Map.entry("data.dir", dir.toString()), Map.entry("http.port", Integer.toString(port)),
                Map.entry("http.public-url", base), Map.entry("agi.port", Integer.toString(Ports.free())),
                Map.entry("mail.enabled", "true"), Map.entry("mail.address", "help@desk.test"),
                Map.entry("mail.imap.host", "127.0.0.1"), Map.entry("mail.imap.port", Integer.toString(gm.getImap().getPort())),
                Map.entry("mail.imap.security", "none"), Map.entry("mail.smtp.host", "127.0.0.1"),
                Map.entry("mail.smtp.port", Integer.toString(gm.getSmtp().getPort())), Map.entry("mail.smtp.security", "none"),
                Map.entry("mail.poll-interval", "1s")), Map.of("PAGERLINE_MAIL_IMAP_PASSWORD", "pw"));
        server = Wiring.server(PagerlineConfig.from(s), MutableClock.at("2026-12-02T10:00:00Z")).start();
        Client jane = server.services().clients().add(new ClientService.NewClient("Acme Ltd", "Jane Doe",
                List.of("+12045550123")));
        server.services().web().emails().set(Long.toString(jane.id()), "jane@acme.test");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        gm.stop();
    }

    private String csrf;

    private HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(r.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return r;
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        String body = "_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + (form.isEmpty() ? "" : "&" + form);
        return browser.send(HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(10)).header("Origin", base).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String withoutTokens(String page) {
        return page.replaceAll("value=\"[^\"]+\"", "");
    }

    @Test
    void aContactReceivesTheSignInLinkByEmailAndSignsInWithItOnce() throws Exception {
        get("/portal/signin");
        HttpResponse<String> unknown = post("/portal/signin", "email=nobody%40acme.test");
        HttpResponse<String> known = post("/portal/signin", "email=Jane%40Acme.test");
        assertEquals(200, known.statusCode());
        assertEquals(withoutTokens(unknown.body()), withoutTokens(known.body()), "the same answer for an unknown address");

        Eventually.await(Duration.ofSeconds(20), "the sign-in link by email", () -> gm.getReceivedMessages().length >= 1);
        MimeMessage[] mail = gm.getReceivedMessages();
        assertEquals(1, mail.length, "one message, to the known address only");
        assertEquals("jane@acme.test", mail[0].getAllRecipients()[0].toString());
        assertTrue(mail[0].getFrom()[0].toString().contains("help@desk.test"), mail[0].getFrom()[0].toString());
        String text = GreenMailUtil.getBody(mail[0]).replace("=\r\n", "").replace("=3D", "=");
        Matcher link = Pattern.compile(Pattern.quote(base) + "/portal/link/[A-Za-z0-9_-]{43}").matcher(text);
        assertTrue(link.find(), text);

        // the link signs her in (GET shows a button, the POST uses it)
        get(link.group());
        HttpResponse<String> used = post(link.group(), "");
        assertEquals(303, used.statusCode(), used.body());
        HttpResponse<String> home = get("/portal");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("Acme Ltd"), home.body());

        // and only once
        HttpClient other = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> page = other.send(HttpRequest.newBuilder(URI.create(link.group())).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher t = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertTrue(t.find());
        HttpResponse<String> again = other.send(HttpRequest.newBuilder(URI.create(link.group())).header("Origin", base)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(t.group(1), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("expired or was already used"), again.body());
    }
}
