package org.pagerline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.store.JdbcWebhookLedger;
import org.pagerline.adapter.twilio.TwilioWebhooks;
import org.pagerline.config.Settings;
import org.pagerline.config.TwilioConfig;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.PageResponses;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.TestDatabase;

/**
 * Signed SMS acknowledgements at a fixed rate (default 200 per second) against the real
 * HttpEndpoint, the real /twilio/sms webhook (signature check, form parsing, the H2 file replay
 * ledger) and a PageResponses given to {@link #run} (a trivial one in {@link #main}; the lead plugs in
 * the paging engine). Open loop: each request's latency counts from the instant it was due to be
 * sent, so a stalled server cannot hide its queue (no coordinated omission). Not a unit test.
 *
 * <p>Run: {@code scripts/bench-sms-ack [--rate 200] [--seconds 20] [--warmup 3]}.
 */
public final class SmsAckWebhookBench {
    static final String PUBLIC_URL = "https://pager.example.com";

    /** What one run measured; latencies in microseconds. */
    public record Result(int sent, int ok, int errors, double achievedRate, long p50, long p90, long p99, long max) {
        @Override
        public String toString() {
            return String.format("sent=%d ok=%d errors=%d rate=%.1f/s latency p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms",
                    sent, ok, errors, achievedRate, p50 / 1000.0, p90 / 1000.0, p99 / 1000.0, max / 1000.0);
        }
    }

    /** Who sends request {@code i} and what it says: {from, body}. */
    @FunctionalInterface
    public interface Shape {
        String[] fromAndBody(long i);
    }

    /** Many phones, replies quoting codes 0..999: the shape the trivial responder needs. */
    static final Shape SPREAD = i -> new String[] {String.format("+1204555%04d", i % 10_000), (i % 1000) + "a"};

    /** Sends {@code rate}/s signed SMS webhooks for {@code duration} to pagerline's webhook on a fresh H2 file. */
    public static Result run(PageResponses responses, int rate, Duration warmup, Duration duration) throws Exception {
        return run(responses, SPREAD, rate, warmup, duration);
    }

    /**
     * The same with the requests shaped by {@code shape}; request numbers run on from the warm-up
     * into the measured part, so each request can name a different incident.
     */
    public static Result run(PageResponses responses, Shape shape, int rate, Duration warmup, Duration duration)
            throws Exception {
        Path dir = Files.createTempDirectory("pagerline-bench");
        try (TestDatabase db = TestDatabase.fileIn(dir);
                HttpEndpoint http = new HttpEndpoint(new org.pagerline.config.HttpConfig("127.0.0.1", 0))) {
            TwilioConfig config = TwilioConfig.from(new Settings(Map.of(
                    "twilio.account-sid", FakeTwilio.ACCOUNT_SID,
                    "twilio.from-number", "+12045550100",
                    "twilio.public-url", PUBLIC_URL),
                    Map.of("PAGERLINE_TWILIO_AUTH_TOKEN", FakeTwilio.AUTH_TOKEN)));
            JdbcWebhookLedger ledger = new JdbcWebhookLedger(db.database().dataSource(), Clock.systemUTC(), Duration.ofDays(30));
            TwilioWebhooks.routes(config, ledger, responses, java.time.Clock.systemUTC()).forEach(http::route);
            http.start();
            URI target = URI.create("http://127.0.0.1:" + http.port() + "/twilio/sms");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4)).build();
            int warm = (int) (warmup.toSeconds() * rate);
            load(client, target, rate, warmup, shape, 0);
            return load(client, target, rate, duration, shape, warm);
        }
    }

    private static Result load(HttpClient client, URI target, int rate, Duration duration, Shape shape, long offset)
            throws Exception {
        long intervalNanos = 1_000_000_000L / rate;
        int total = (int) (duration.toNanos() / intervalNanos);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> inFlight = Collections.synchronizedList(new ArrayList<>());
        AtomicLong next = new AtomicLong();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            // send every request that is due by now (catches up if the ticker ran late)
            long now = System.nanoTime();
            while (next.get() < total && start + next.get() * intervalNanos <= now) {
                long i = next.getAndIncrement();
                long due = start + i * intervalNanos;
                inFlight.add(client.sendAsync(request(target, shape.fromAndBody(offset + i)), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> {
                            latencies.add((System.nanoTime() - due) / 1000);
                            if (e != null || r.statusCode() != 200 || !r.body().contains("<Message>")) {
                                errors.incrementAndGet();
                            }
                        }));
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        long deadline = start + duration.toNanos() + TimeUnit.SECONDS.toNanos(30);
        while (next.get() < total && System.nanoTime() < deadline) {
            ticker.awaitTermination(50, TimeUnit.MILLISECONDS);
        }
        ticker.shutdownNow();
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(total, total - errors.get(), errors.get(), total / seconds,
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
    }

    private static long pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static final AtomicLong SIDS = new AtomicLong(System.nanoTime());

    private static HttpRequest request(URI target, String[] fromAndBody) {
        String sid = String.format("SM%032x", SIDS.incrementAndGet());
        String from = fromAndBody[0];
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", FakeTwilio.ACCOUNT_SID);
        form.put("ApiVersion", "2010-04-01");
        form.put("Body", fromAndBody[1]);
        form.put("From", from);
        form.put("MessageSid", sid);
        form.put("NumMedia", "0");
        form.put("SmsSid", sid);
        form.put("SmsStatus", "received");
        form.put("To", "+12045550100");
        String signature = FakeTwilio.signature(FakeTwilio.AUTH_TOKEN, PUBLIC_URL + "/twilio/sms", form);
        return HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(FakeTwilio.encodeForm(form))).build();
    }

    /** Answers every SMS at once, as an engine with nothing to do would. Replace with the real engine. */
    static final class InstantResponses implements PageResponses {
        @Override
        public String onSmsReply(String fromE164, org.pagerline.core.page.SmsCommand command) {
        String body = command.words();
            return "Ticket " + body.replaceAll("[^0-9]", "") + " acknowledged. Thank you.";
        }

        @Override
        public Optional<PageBrief> brief(long pageId) {
            return Optional.empty();
        }

        @Override
        public KeyOutcome onPageKey(long pageId, org.pagerline.core.page.PageKey pressed) {
        String key = pressed.digit();
            return new KeyOutcome("", null, true);
        }

        @Override
        public void onConnected(long pageId, boolean connected, String detail) {
        }

        @Override
        public void onDelivery(DeliveryReport report) {
        }
    }

    public static void main(String[] args) throws Exception {
        int rate = 200;
        int seconds = 20;
        int warmup = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --rate N --seconds N --warmup N)");
            }
        }
        System.out.printf("SMS ack webhook bench: %d/s for %ds after %ds warm-up, %d cores, Java %s%n",
                rate, seconds, warmup, Runtime.getRuntime().availableProcessors(), Runtime.version());
        Result r = run(new InstantResponses(), rate, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds));
        System.out.println(r);
        System.exit(r.errors() == 0 ? 0 : 1);
    }

    private SmsAckWebhookBench() {}
}
