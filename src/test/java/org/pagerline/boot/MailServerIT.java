package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.Ports;

/** The whole server with mail on, against GreenMail: /health carries a mail check, mail becomes tickets. */
class MailServerIT {
    @TempDir
    Path dir;

    private static String health(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Test
    void withMailOnHealthShowsMailAndAMailedRequestBecomesATicket() throws Exception {
        GreenMail gm = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        gm.start();
        try {
            gm.setUser("help@desk.test", "help@desk.test", "pw");
            Settings s = new Settings(Map.ofEntries(Map.entry("data.dir", dir.toString()), Map.entry("http.port", "0"),
                    Map.entry("agi.port", Integer.toString(Ports.free())), Map.entry("mail.enabled", "true"),
                    Map.entry("mail.address", "help@desk.test"), Map.entry("mail.imap.host", "127.0.0.1"),
                    Map.entry("mail.imap.port", Integer.toString(gm.getImap().getPort())), Map.entry("mail.imap.security", "none"),
                    Map.entry("mail.smtp.host", "127.0.0.1"), Map.entry("mail.smtp.port", Integer.toString(gm.getSmtp().getPort())),
                    Map.entry("mail.smtp.security", "none"), Map.entry("mail.poll-interval", "1s")),
                    Map.of("PAGERLINE_MAIL_IMAP_PASSWORD", "pw"));
            try (PagerlineServer server = Wiring.server(PagerlineConfig.from(s), MutableClock.at("2026-12-02T10:00:00Z")).start()) {
                Eventually.await(Duration.ofSeconds(20), "mail UP in /health", () -> health(server.httpPort()).contains("\"mail\":\"UP\""));
                String raw = "From: jane@acme.test\r\nTo: help@desk.test\r\nSubject: Printer jammed\r\nMessage-ID: <srv-1@customer.test>\r\n"
                        + "Content-Type: text/plain; charset=UTF-8\r\n\r\nName: Jane Smith\r\nCompany: Acme Ltd\r\nPhone: +1 204 555 0123\r\n"
                        + "The printer shows a paper jam.\r\n";
                gm.getUserManager().getUser("help@desk.test").deliver(new MimeMessage(Session.getInstance(new Properties()),
                        new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
                Eventually.await(Duration.ofSeconds(20), "the acknowledgement", () -> gm.getReceivedMessagesForDomain("acme.test").length == 1);
                assertEquals(1, server.services().tickets().list(10).size());
                gm.stop();
                Eventually.await(Duration.ofSeconds(20), "mail DOWN in /health", () -> health(server.httpPort()).contains("\"mail\":\"DOWN\""));
            }
        } finally {
            gm.stop();
        }
    }

    @Test
    void withMailOffThereIsNoMailCheck() throws Exception {
        Settings s = Settings.ofMap(Map.of("data.dir", dir.toString(), "http.port", "0", "agi.port", Integer.toString(Ports.free())));
        try (PagerlineServer server = Wiring.server(PagerlineConfig.from(s), MutableClock.at("2026-12-02T10:00:00Z")).start()) {
            String h = health(server.httpPort());
            assertTrue(h.contains("\"database\""), h);
            assertFalse(h.contains("mail"), h);
        }
    }
}
