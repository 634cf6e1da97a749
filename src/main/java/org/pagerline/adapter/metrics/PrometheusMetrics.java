package org.pagerline.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Metrics} port over Micrometer's Prometheus registry: {@link #scrape()} is the text
 * {@code /metrics} answers. Every meter is named {@code pagerline_...} (the JVM's too, by a
 * filter), and the desk's own meters are registered at start with every label value known then
 * (a counter that has not moved reads 0 rather than being absent). README, "Metrics", lists them.
 */
public final class PrometheusMetrics implements Metrics, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrometheusMetrics.class);
    /** Page hand-over results, as the dispatcher reports them. */
    public static final List<String> PAGE_RESULTS = List.of("accepted", "temporary_failure", "unknown", "permanent_failure");
    /** The incident's own service-level target; the ticket clocks' are their {@code ClockKind.words()}. */
    public static final String RESPOND_BY = "respond-by";
    private static final Duration[] SLOS = {Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
        Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
        Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8)};
    private static final Duration[] SHORT = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer toAck;
    private final Timer toCallback;
    private final Timer pass;
    private final Timer lateness;

    public PrometheusMetrics() {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().startsWith("pagerline.") ? id : id.withName("pagerline." + id.getName());
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
        for (CallOutcome o : CallOutcome.values()) {
            calls(o);
        }
        for (boolean answered : new boolean[] {true, false}) {
            queueTimer(answered);
        }
        for (String r : Metrics.FALLBACK_RESULTS) {
            fallbackMessages(r);
        }
        for (String at : Metrics.HELD_AT) {
            for (String r : Metrics.HELD_RESULTS) {
                held(at, r);
            }
        }
        for (Channel c : Channel.values()) {
            for (String r : PAGE_RESULTS) {
                pages(c, r);
            }
        }
        for (Priority p : Priority.values()) {
            sla("warnings", p, RESPOND_BY);
            sla("breaches", p, RESPOND_BY);
            for (org.pagerline.core.ticket.ClockKind clock : org.pagerline.core.ticket.ClockKind.values()) {
                // the ticket clocks' targets (TicketClockEngine counts them under ClockKind.words())
                sla("warnings", p, clock.words());
                sla("breaches", p, clock.words());
            }
        }
        toAck = slo("pagerline.time.to.acknowledge", "From an incident's opening to its acknowledgement", SLOS);
        toCallback = slo("pagerline.time.to.callback", "From an incident's opening to the caller's call-back", SLOS);
        pass = slo("pagerline.engine.pass", "One engine pass: decide what is due, send the outbox, schedule the next", SHORT);
        lateness = slo("pagerline.engine.step.lateness", "How long after its due instant an escalation step was decided", SHORT);
    }

    private Timer slo(String name, String help, Duration[] buckets) {
        return Timer.builder(name).description(help).serviceLevelObjectives(buckets).register(registry);
    }

    private Counter calls(CallOutcome o) {
        return Counter.builder("pagerline.calls").description("Support-line calls ended, by outcome")
                .tag("outcome", o.name().toLowerCase(Locale.ROOT)).register(registry);
    }

    private Timer queueTimer(boolean answered) {
        return Timer.builder("pagerline.queue.wait").description("Time callers waited in the help-desk queue")
                .tag("result", answered ? "answered" : "abandoned")
                .serviceLevelObjectives(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
                        Duration.ofMinutes(5), Duration.ofMinutes(10))
                .register(registry);
    }

    private Counter fallbackMessages(String result) {
        return Counter.builder("pagerline.fallback.messages")
                .description("Messages of the dialplan's fallback voicemail handed over (pagerline failed the caller)")
                .tag("result", result).register(registry);
    }

    private Counter held(String at, String result) {
        return Counter.builder("pagerline.caller.holds")
                .description("Callers who waited on the support line's own work past line.hold-after (the hold prompt),"
                        + " by where and what came of it (served within line.wait-limit, fallback, hung_up)")
                .tags("at", at, "result", result).register(registry);
    }

    private Counter pages(Channel c, String result) {
        return Counter.builder("pagerline.pages").description("Pages handed to a channel, by channel and result")
                .tags("channel", c.name().toLowerCase(Locale.ROOT), "result", result).register(registry);
    }

    private Counter sla(String what, Priority p, String target) {
        return Counter.builder("pagerline.sla." + what)
                .description(what.equals("warnings") ? "Service-level warnings sent, by priority and target"
                        : "Service-level targets missed, by priority and target")
                .tags("priority", p == null ? "none" : p.name(), "target", target).register(registry);
    }

    /** The text exposition format (Prometheus 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /** Pages in the outbox by state, read at each scrape ({@code count} may throw: the gauge then reads NaN). */
    public void outbox(ToDoubleFunction<PageState> count) {
        for (PageState s : List.of(PageState.PENDING, PageState.SENDING)) {
            Gauge.builder("pagerline.outbox.pages", () -> {
                try {
                    return count.applyAsDouble(s);
                } catch (RuntimeException e) {
                    log.debug("outbox depth not read: {}", e.getMessage());
                    return Double.NaN;
                }
            }).description("Pages waiting in the outbox (pending) or being handed over (sending)")
                    .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    @Override
    public void call(CallOutcome outcome) {
        calls(outcome).increment();
    }

    @Override
    public void fallbackMessage(String result) {
        fallbackMessages(result).increment();
    }

    @Override
    public void callerHeld(String at, String result) {
        held(at, result).increment();
    }

    @Override
    public void queueWait(Duration waited, boolean answered) {
        queueTimer(answered).record(nonNegative(waited));
    }

    @Override
    public void page(Channel channel, String result) {
        pages(channel, result).increment();
    }

    @Override
    public void acknowledged(Duration sinceOpened) {
        toAck.record(nonNegative(sinceOpened));
    }

    @Override
    public void calledBack(Duration sinceOpened) {
        toCallback.record(nonNegative(sinceOpened));
    }

    @Override
    public void slaWarning(Priority priority, String target) {
        sla("warnings", priority, target).increment();
    }

    @Override
    public void slaBreach(Priority priority, String target) {
        sla("breaches", priority, target).increment();
    }

    @Override
    public void enginePass(Duration took) {
        pass.record(nonNegative(took));
    }

    @Override
    public void stepLateness(Duration late) {
        lateness.record(nonNegative(late));
    }

    @Override
    public void connection(String name, BooleanSupplier up) {
        Gauge.builder("pagerline.connection.up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the connection is up, 0 while it is down").tag("name", name).register(registry);
    }

    private static Duration nonNegative(Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
