package org.pagerline.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pagerline.config.HttpConfig;
import org.pagerline.service.HealthService;
import org.pagerline.testkit.Eventually;
import org.slf4j.LoggerFactory;

/** A monitor that gives up on /health before the answer is written is routine, not an error. */
class DroppedHealthRequestTest {

    @Test
    void aClientThatHangsUpBeforeTheAnswerCostsADebugLineNotAnErrorTrace() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        HealthService health = new HealthService(List.of(new HealthService.Check("database", () -> {
            asked.countDown();
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        })));
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = (Logger) LoggerFactory.getLogger("org.pagerline.adapter.http");
        Level was = ours.getLevel();
        ours.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (HttpEndpoint http = new HttpEndpoint(new HttpConfig("127.0.0.1", 0))) {
            http.route("/health", new HealthHandler(health));
            http.start();
            // a large answer so the write cannot vanish into the socket buffer before the reset is seen
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", http.port()));
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                assertTrue(asked.await(10, TimeUnit.SECONDS), "the request reached the health check");
                s.setSoLinger(true, 0); // close with a reset, as a monitor timing out does
            }
            answer.countDown();
            Eventually.await(Duration.ofSeconds(10), "the dropped request to be logged", () -> snapshot(logs).stream()
                    .anyMatch(e -> e.getLoggerName().startsWith("org.pagerline.adapter.http")));
        } finally {
            root.detachAppender(logs);
            ours.setLevel(was);
        }
        List<ILoggingEvent> seen = snapshot(logs);
        List<ILoggingEvent> serious = seen.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        assertEquals(List.of(), serious.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
        assertTrue(seen.stream().anyMatch(e -> e.getLevel() == Level.DEBUG && e.getThrowableProxy() == null
                && e.getFormattedMessage().contains("/health")), "one debug line naming the request");
    }

    /**
     * What the appender caught so far. It sits on the root logger, so any thread of the JVM (a
     * server another test left stopping) may append while the test reads: appends hold the
     * appender's lock, and so does this copy.
     */
    private static List<ILoggingEvent> snapshot(ListAppender<ILoggingEvent> logs) {
        synchronized (logs) {
            return List.copyOf(logs.list);
        }
    }
}
