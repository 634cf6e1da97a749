package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console's live stream carries the queue's callers and the open tickets: it ends with the
 * session that opened it (signed out, expired), not when the browser tab is closed.
 */
class LiveConsoleEndsWithItsSessionTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void theLiveStreamOfASessionThatSignedOutEnds() throws Exception {
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        HttpResponse<Stream<String>> stream = tess.client.send(HttpRequest.newBuilder(URI.create(rig.base + "/console/events"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        Thread reader = new Thread(() -> {
            try (Stream<String> s = stream.body()) {
                s.forEach(lines::add);
            } catch (RuntimeException e) {
                // the connection closed under the reader: the stream ended all the same
            }
            ended.countDown();
        });
        reader.setDaemon(true);
        reader.start();
        org.pagerline.testkit.Eventually.await(Duration.ofSeconds(10), "the first views", () -> lines.stream()
                .anyMatch(l -> l.startsWith("event:")));

        assertEquals(303, tess.submit("/console/signout", Map.of()).statusCode());
        rig.clock.advance(LiveConsole.SESSION_CHECK.plusSeconds(1));
        assertTrue(ended.await(10, TimeUnit.SECONDS), "the stream ended with its session; it had: " + lines.size() + " lines");
    }
}
