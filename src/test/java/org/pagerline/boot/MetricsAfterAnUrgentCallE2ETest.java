package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.PrometheusText;

/**
 * /metrics after a runbook scenario through the real server: an urgent voicemail, four pages, the
 * team lead's step 5 minutes on, Sam's acknowledgement at 5 minutes, the respond-by warning and
 * breach of the P1, the call-back at 2 hours; a queue caller answered and one abandoned over AMI.
 * Every count is the one the scenario made; a request through a proxy or from elsewhere gets a 404.
 */
@Timeout(60)
class MetricsAfterAnUrgentCallE2ETest {
    @TempDir
    Path dir;

    @Test
    void metricsCountTheCallsPagesAcknowledgementsCallBacksAndServiceLevelsOfTheScenario() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.ASTERISK)) {
            String before = scrape(e);
            assertEquals(0.0, value(before, "pagerline_calls_total", "outcome", "urgent_voicemail"), "registered at start, at 0");
            assertEquals(0.0, value(before, "pagerline_sla_warnings_total", "priority", "P1", "target", "respond-by"));

            long ticket = E2eServer.ticketOf(e.urgentVoicemail());
            long n = e.incidentOn(ticket).id();
            e.phone(PAT).expectSms("Reply " + n + "a");
            e.phone(SAM).expectSms("Reply " + n + "a");
            Eventually.await(Duration.ofSeconds(10), "two paging calls originated", () -> e.ami.actions("Originate").size() == 2);
            e.pass();
            String first = scrape(e);
            assertEquals(1.0, value(first, "pagerline_calls_total", "outcome", "urgent_voicemail"));
            assertEquals(2.0, value(first, "pagerline_pages_total", "channel", "sms", "result", "accepted"));
            assertEquals(2.0, value(first, "pagerline_pages_total", "channel", "voice", "result", "accepted"));

            // the team lead's step, decided when due: its lateness is the time the test took to run the pass (0 on the fake clock)
            e.clock.advance(Duration.ofMinutes(5));
            e.pass();
            assertEquals(2.0, value(scrape(e), "pagerline_engine_step_lateness_seconds_count"), "the first step and the team lead's");
            assertTrue(value(scrape(e), "pagerline_engine_step_lateness_seconds_sum") < 1.0);

            // Sam takes it 5 minutes after the voicemail
            assertTrue(e.phone(SAM).reply(n + "a").contains("is yours"));
            String acked = scrape(e);
            assertEquals(1.0, value(acked, "pagerline_time_to_acknowledge_seconds_count"));
            assertEquals(300.0, value(acked, "pagerline_time_to_acknowledge_seconds_sum"), 0.01);

            // P1 respond-by is 2 h: warned 15 min before, missed at 2 h (with the late call-back notices on the way)
            e.clock.advance(Duration.ofMinutes(100));
            e.pass();
            assertEquals(1.0, value(scrape(e), "pagerline_sla_warnings_total", "priority", "P1", "target", "respond-by"));
            e.clock.advance(Duration.ofMinutes(15));
            e.pass();
            assertEquals(1.0, value(scrape(e), "pagerline_sla_breaches_total", "priority", "P1", "target", "respond-by"));
            assertTrue(e.phone(SAM).reply(n + "c").contains("recorded"));
            e.pass();

            // two queue callers: one answered after 65 s, one hung up after 252 s
            e.ami.emit(FakeAmi.event("AgentConnect", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel", "PJSIP/trunk-1",
                    "Interface", "Local/12045550101@pagerline-members", "MemberName", "Pat", "HoldTime", "65"));
            e.ami.emit(FakeAmi.event("QueueCallerAbandon", "Channel", "PJSIP/trunk-3", "Uniqueid", "1700.3", "Queue",
                    "helpdesk", "Position", "2", "OriginalPosition", "3", "HoldTime", "252"));
            Eventually.await(Duration.ofSeconds(10), "queue waits counted",
                    () -> value(scrape(e), "pagerline_queue_wait_seconds_count", "result", "abandoned") == 1.0);

            String after = scrape(e);
            assertEquals(1.0, value(after, "pagerline_time_to_callback_seconds_count"));
            assertEquals(7200.0, value(after, "pagerline_time_to_callback_seconds_sum"), 0.01);
            long sms = e.twilio.requests().stream().filter(r -> r.kind().equals("Messages")).count();
            assertEquals((double) sms, value(after, "pagerline_pages_total", "channel", "sms", "result", "accepted"),
                    "every SMS Twilio received was counted once");
            assertEquals((double) e.ami.actions("Originate").size(),
                    value(after, "pagerline_pages_total", "channel", "voice", "result", "accepted"),
                    "every paging call Asterisk was asked for was counted once");
            assertEquals(1.0, value(after, "pagerline_queue_wait_seconds_count", "result", "answered"));
            assertEquals(65.0, value(after, "pagerline_queue_wait_seconds_sum", "result", "answered"), 0.01);
            assertEquals(252.0, value(after, "pagerline_queue_wait_seconds_sum", "result", "abandoned"), 0.01);
            assertEquals(1.0, value(after, "pagerline_connection_up", "name", "ami"));
            assertEquals(0.0, value(after, "pagerline_outbox_pages", "state", "pending"));
            assertTrue(value(after, "pagerline_engine_pass_seconds_count") >= 4);
            assertTrue(value(after, "pagerline_jvm_memory_used_bytes", "area", "heap", "id", anyHeapPool(after)) > 0);
            for (String line : after.split("\n")) {
                assertTrue(line.startsWith("#") || line.startsWith("pagerline_"), "every meter is pagerline_...: " + line);
            }

            // not through a reverse proxy (it connects from loopback too)
            HttpResponse<String> proxied = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + e.server.httpPort() + "/metrics"))
                    .header("X-Forwarded-For", "203.0.113.9").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, proxied.statusCode());
        }
    }

    static String scrape(E2eServer e) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + e.server.httpPort() + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            return r.body();
        } catch (java.io.IOException ex) {
            throw new AssertionError(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    private static String anyHeapPool(String text) {
        Matcher m = Pattern.compile("pagerline_jvm_memory_used_bytes\\{area=\"heap\",id=\"([^\"]+)\"").matcher(text);
        assertTrue(m.find(), "JVM heap meters present");
        return m.group(1);
    }

    /** The value of the sample named {@code name} whose labels include these pairs (NaN when absent). */
    static double value(String text, String name, String... labels) {
        return PrometheusText.value(text, name, labels);
    }
}
