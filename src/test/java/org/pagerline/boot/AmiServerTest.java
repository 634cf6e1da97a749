package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.MutableClock;

/** The whole server with AMI on: it starts while Asterisk is down, and /health follows the link. */
class AmiServerTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> health(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pagerlineStartsWithAsteriskDownReportsAmiDownAndComesUpWhenAsteriskDoes() throws Exception {
        int amiPort = Ports.free();
        Settings s = new Settings(Map.of("data.dir", dir.toString(), "http.port", "0",
                "agi.port", Integer.toString(Ports.free()), "ami.enabled", "true",
                "ami.port", Integer.toString(amiPort), "ami.reconnect-interval", "50ms", "ami.reconnect-max", "100ms"),
                Map.of("PAGERLINE_AMI_PASSWORD", "pw"));
        try (FakeAmi fake = new FakeAmi("pagerline", "pw", "helpdesk");
                PagerlineServer server = Wiring.server(PagerlineConfig.from(s), MutableClock.at("2026-11-23T10:00:00-06:00")).start()) {
            HttpResponse<String> down = health(server.httpPort());
            assertEquals(503, down.statusCode());
            assertTrue(down.body().contains("\"ami\":\"DOWN\""), down.body());
            assertTrue(down.body().contains("\"database\":\"UP\""), down.body());

            fake.startOn(amiPort);
            Eventually.await(Duration.ofSeconds(10), "ami UP in /health",
                    () -> {
                        try {
                            return health(server.httpPort()).body().contains("\"ami\":\"UP\"");
                        } catch (IOException | InterruptedException e) {
                            return false;
                        }
                    });
            assertEquals(200, health(server.httpPort()).statusCode());
        }
    }

    @Test
    void withAmiOffThereIsNoAmiCheck() throws Exception {
        Settings s = Settings.ofMap(Map.of("data.dir", dir.toString(), "http.port", "0",
                "agi.port", Integer.toString(Ports.free())));
        try (PagerlineServer server = Wiring.server(PagerlineConfig.from(s), MutableClock.at("2026-11-23T10:00:00-06:00")).start()) {
            assertFalse(health(server.httpPort()).body().contains("ami"));
        }
    }
}
