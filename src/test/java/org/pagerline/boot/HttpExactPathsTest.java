package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.RawHttp;

/** The HTTP port answers its exact paths and nothing that merely starts with, or resolves to, one of them. */
class HttpExactPathsTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheExactPathIsHealthOrAWebhook() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO)) {
            int port = e.server.httpPort();
            assertEquals(200, RawHttp.get(port, "/health"));
            for (String near : List.of("/healthx", "/health;x", "/health/", "/health/x", "//health", "/health/../twilio/sms",
                    "/twilio/sms/../../health", "/%68ealth", "/HEALTH", "/twilio/smsx", "/twilio/sms;jsessionid=1", "/")) {
                assertEquals(404, RawHttp.get(port, near), near);
            }
        }
    }
}
