package org.pagerline.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pagerline.config.HttpConfig;
import org.pagerline.testkit.Eventually;

/** The header timeout is about the client sending its request, never about how long we take to answer. */
class HeaderTimeoutTest {

    @Test
    void anAnswerThatTakesLongerThanTheHeaderTimeoutIsStillDelivered() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpConfig config = new HttpConfig("127.0.0.1", 0, Duration.ofMillis(200), Duration.ofSeconds(30), 64, 8);
        try (HttpEndpoint http = new HttpEndpoint(config)) {
            http.route("/slow", ctx -> {
                inHandler.countDown();
                release.await(10, TimeUnit.SECONDS);
                HttpEndpoint.send(ctx, 200, "text/plain", "done");
            });
            http.start();
            var pending = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
                    + "/slow")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            inHandler.await(10, TimeUnit.SECONDS);
            // a connection that sent nothing, opened after ours, is dropped: the header timeout has passed for ours too
            try (java.net.Socket idle = new java.net.Socket("127.0.0.1", http.port())) {
                idle.setSoTimeout(5000);
                Eventually.await(Duration.ofSeconds(5), "the idle connection dropped", () -> {
                    try {
                        return idle.getInputStream().read() == -1;
                    } catch (java.io.IOException e) {
                        return true;
                    }
                });
            }
            release.countDown();
            HttpResponse<String> r = pending.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("done", r.body());
        }
    }

    @Test
    void clientsThatTrickleTheirBodyAreDroppedAndHoldNoRequestThread() throws Exception {
        HttpConfig config = new HttpConfig("127.0.0.1", 0, Duration.ofMillis(300), Duration.ofSeconds(30), 64, 4);
        try (HttpEndpoint http = new HttpEndpoint(config)) {
            http.route("/form", ctx -> HttpEndpoint.send(ctx, 200, "text/plain", ctx.bodyAsBytes().length + " bytes"));
            http.route("/ping", ctx -> HttpEndpoint.send(ctx, 200, "text/plain", "pong"));
            http.start();
            trickleAndCheckTheServerStillAnswers(http, "POST /form HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nFrom=%2B1");
            HttpResponse<String> whole = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + http.port() + "/form")).POST(HttpRequest.BodyPublishers.ofString("a=1")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("3 bytes", whole.body(), "a body sent in time is read");
        }
    }

    /** The same for a multipart form (the portal's, with files), whose fields a handler reads before anything else. */
    @Test
    void clientsThatTrickleAMultipartFormAreDroppedAndHoldNoRequestThread() throws Exception {
        HttpConfig config = new HttpConfig("127.0.0.1", 0, Duration.ofMillis(300), Duration.ofSeconds(30), 64, 4);
        try (HttpEndpoint http = new HttpEndpoint(config)) {
            http.route("/upload", ctx -> HttpEndpoint.send(ctx, 200, "text/plain", "field " + ctx.formParam("_csrf")));
            http.route("/ping", ctx -> HttpEndpoint.send(ctx, 200, "text/plain", "pong"));
            http.start();
            trickleAndCheckTheServerStillAnswers(http, "POST /upload HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n\r\n"
                    + "--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nab");
            String form = "--x\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--x--\r\n";
            HttpResponse<String> whole = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + http.port() + "/upload")).header("Content-Type", "multipart/form-data; boundary=x")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("field abc", whole.body(), "a form sent in time is read");
        }
    }

    /**
     * Three times the request threads of clients send {@code partial} (headers and part of a
     * body) and no more: each is dropped, and /ping still answers at once.
     */
    private static void trickleAndCheckTheServerStillAnswers(HttpEndpoint http, String partial) throws Exception {
        java.util.List<java.net.Socket> trickling = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", http.port());
                trickling.add(s);
                s.getOutputStream().write(partial.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
            for (java.net.Socket s : trickling) {
                s.setSoTimeout(5000);
                Eventually.await(Duration.ofSeconds(5), "a trickling client dropped", () -> {
                    try {
                        return s.getInputStream().read() == -1;
                    } catch (java.io.IOException e) {
                        return true;
                    }
                });
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + http.port() + "/ping")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("pong", r.body());
        } finally {
            for (java.net.Socket s : trickling) {
                s.close();
            }
        }
    }
}
