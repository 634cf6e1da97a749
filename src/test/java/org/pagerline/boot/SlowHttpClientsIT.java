package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeTwilio.WebhookResponse;

/**
 * Slow and stuck HTTP clients (a slowloris: connect, send a byte, stop) hold no thread and cannot
 * starve /health or Twilio's webhooks; a connection that never finishes its request is closed, and
 * one address cannot hold more than its share of connections. Real sockets on loopback; the slow
 * clients come from 127.0.0.2-9 (all of 127/8 is loopback) so the per-address limit is not what
 * keeps them out.
 */
class SlowHttpClientsIT {
    @TempDir
    Path dir;

    @Test
    void healthAndASignedWebhookAnswerWithin100msWhile200SlowConnectionsAreHeld() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("http.max-connections-per-address", "32"));
                Slow slow = new Slow()) {
            int port = e.server.httpPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            assertEquals(200, health(client, port).statusCode()); // warm up before the clock starts
            e.phone("+15145550123").replyRaw("warm up");

            for (int i = 0; i < 200; i++) {
                slow.open("127.0.0." + (2 + i % 8), port, "G");
            }
            assertEquals(200, slow.stillOpen(), "the slow connections are being held");

            long worstHealth = 0;
            long worstWebhook = 0;
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                HttpResponse<String> h = health(client, port);
                long healthMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, h.statusCode(), h.body());
                assertTrue(healthMs < 100, "/health took " + healthMs + " ms with 200 slow connections");

                t0 = System.nanoTime();
                WebhookResponse w = e.phone("+15145550123").replyRaw("hello " + round);
                long webhookMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, w.status());
                assertTrue(webhookMs < 100, "a signed webhook took " + webhookMs + " ms with 200 slow connections");
                worstHealth = Math.max(worstHealth, healthMs);
                worstWebhook = Math.max(worstWebhook, webhookMs);
            }
            System.out.printf("with 200 slow connections held: /health worst %d ms, signed webhook worst %d ms (5 each)%n",
                    worstHealth, worstWebhook);
            assertEquals(200, slow.stillOpen(), "held throughout (the header timeout is longer than this test)");
        }
    }

    @Test
    void aRequestWhoseHeadersNeverFinishIsClosedAfterTheHeaderTimeout() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("http.header-timeout", "300ms"));
                Slow slow = new Slow()) {
            Socket s = slow.open("127.0.0.1", e.server.httpPort(), "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            assertTrue(closedWithin(s, Duration.ofSeconds(5)), "a half-sent request is dropped");
        }
    }

    @Test
    void oneAddressCannotHoldMoreThanItsConnectionLimit() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("http.max-connections-per-address", "10"));
                Slow slow = new Slow()) {
            int port = e.server.httpPort();
            for (int i = 0; i < 11; i++) {
                slow.open("127.0.0.2", port, "G");
            }
            // the server sees the connections in its own order: whichever it counts eleventh is closed
            Eventually.await(Duration.ofSeconds(5), "one connection of eleven closed", () -> slow.stillOpen() == 10);
            assertEquals(10, slow.stillOpen(), "ten are held");
            HttpClient client = HttpClient.newHttpClient();
            assertEquals(200, health(client, port).statusCode(), "another address is still served");
        }
    }

    private static HttpResponse<String> health(HttpClient client, int port) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** True if the server closed (or reset) the connection within {@code wait}. */
    private static boolean closedWithin(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) Math.max(1, wait.toMillis()));
        InputStream in = s.getInputStream();
        try {
            while (true) {
                int b = in.read();
                if (b == -1) {
                    return true;
                }
                // a 4xx/408 answer before the close is fine: read on to the end
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Slow clients: each connects from a given loopback address, sends a few bytes and stops. */
    private static final class Slow implements AutoCloseable {
        private final List<Socket> sockets = new ArrayList<>();

        Socket open(String from, int port, String bytes) throws IOException {
            Socket s = new Socket();
            sockets.add(s);
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return s;
        }

        int stillOpen() {
            int open = 0;
            for (Socket s : sockets) {
                try {
                    if (!closedWithin(s, Duration.ofMillis(1))) {
                        open++;
                    }
                } catch (IOException e) {
                    // closed
                }
            }
            return open;
        }

        @Override
        public void close() {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a test socket
                }
            }
        }
    }
}
