package org.pagerline.adapter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PrometheusText;

/**
 * What /metrics answers, meter by meter, read from the text a Prometheus scrape gets: the meters
 * the end-to-end scenario (MetricsAfterAnUrgentCallE2ETest) cannot move on its own, namely the mail
 * connection, a connection going down, the outbox depth while pages wait, the ticket clocks'
 * service-level counts, and every label value present at 0 before anything happened.
 */
class PrometheusMetricsScrapeTest {

    @Test
    void everyLabelValueReadsZeroBeforeAnythingHappened() {
        try (PrometheusMetrics m = new PrometheusMetrics()) {
            String text = m.scrape();
            for (CallOutcome o : CallOutcome.values()) {
                assertEquals(0.0, value(text, "pagerline_calls_total", "outcome", o.name().toLowerCase()), o.name());
            }
            for (String target : new String[] {"respond-by", "contact", "respond", "resolve"}) {
                for (Priority p : Priority.values()) {
                    assertEquals(0.0, value(text, "pagerline_sla_warnings_total", "priority", p.name(), "target", target));
                    assertEquals(0.0, value(text, "pagerline_sla_breaches_total", "priority", p.name(), "target", target));
                }
            }
            assertEquals(0.0, value(text, "pagerline_pages_total", "channel", "voice", "result", "permanent_failure"));
            assertEquals(0.0, value(text, "pagerline_queue_wait_seconds_count", "result", "abandoned"));
            for (String r : org.pagerline.service.Metrics.FALLBACK_RESULTS) {
                assertEquals(0.0, value(text, "pagerline_fallback_messages_total", "result", r), r);
            }
            for (String at : org.pagerline.service.Metrics.HELD_AT) {
                for (String r : org.pagerline.service.Metrics.HELD_RESULTS) {
                    assertEquals(0.0, value(text, "pagerline_caller_holds_total", "at", at, "result", r), at + " " + r);
                }
            }
        }
    }

    @Test
    void connectionsOutboxDepthAndTicketClockLevelsAreReadAtEachScrape() {
        try (PrometheusMetrics m = new PrometheusMetrics()) {
            AtomicBoolean ami = new AtomicBoolean(true);
            AtomicBoolean mail = new AtomicBoolean(false);
            AtomicInteger pending = new AtomicInteger(3);
            m.connection("ami", ami::get);
            m.connection("mail", mail::get);
            m.outbox(s -> s == PageState.PENDING ? pending.get() : 1);
            m.slaWarning(Priority.P3, "contact");
            m.slaBreach(Priority.P3, "contact");
            m.slaBreach(Priority.P3, "contact");
            m.page(Channel.SMS, "temporary_failure");
            m.enginePass(Duration.ofMillis(40));
            m.stepLateness(Duration.ofMillis(7));

            String first = m.scrape();
            assertEquals(1.0, value(first, "pagerline_connection_up", "name", "ami"));
            assertEquals(0.0, value(first, "pagerline_connection_up", "name", "mail"));
            assertEquals(3.0, value(first, "pagerline_outbox_pages", "state", "pending"));
            assertEquals(1.0, value(first, "pagerline_outbox_pages", "state", "sending"));
            assertEquals(1.0, value(first, "pagerline_sla_warnings_total", "priority", "P3", "target", "contact"));
            assertEquals(2.0, value(first, "pagerline_sla_breaches_total", "priority", "P3", "target", "contact"));
            assertEquals(1.0, value(first, "pagerline_pages_total", "channel", "sms", "result", "temporary_failure"));
            assertEquals(0.04, value(first, "pagerline_engine_pass_seconds_sum"), 1e-9);
            assertEquals(1.0, value(first, "pagerline_engine_step_lateness_seconds_bucket", "le", "0.01"));

            ami.set(false);
            mail.set(true);
            pending.set(0);
            String later = m.scrape();
            assertEquals(0.0, value(later, "pagerline_connection_up", "name", "ami"), "AMI down reads 0");
            assertEquals(1.0, value(later, "pagerline_connection_up", "name", "mail"), "mail back up reads 1");
            assertEquals(0.0, value(later, "pagerline_outbox_pages", "state", "pending"));
            assertTrue(later.contains("pagerline_jvm_threads_live_threads"), "the JVM's meters are there too");
        }
    }

    /** The value of the sample named {@code name} whose labels include these pairs (NaN when absent). */
    static double value(String text, String name, String... labels) {
        return PrometheusText.value(text, name, labels);
    }
}
