package org.pagerline.adapter.http.web;

import io.javalin.http.sse.SseClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's live views: connected browsers (server-sent events) and one ticker that looks at
 * a fingerprint of the desk every {@code period}. When it changes (anything from any door, any
 * process: the database is the one truth), or every {@link #REFRESH} anyway (waits and clocks
 * move on), each view is rendered once and sent to every browser whose copy differs; htmx swaps
 * it in. One query a tick, whatever the number of browsers; a view rendered once for all of them.
 */
final class LiveConsole implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveConsole.class);
    static final Duration REFRESH = Duration.ofSeconds(15);
    private final Supplier<String> fingerprint;
    private final Supplier<Map<String, String>> render;
    private final Clock clock;
    private final Duration period;
    /** The streams, each with its question "is its session still signed in?" (asked without renewing it). */
    private final Map<SseClient, BooleanSupplier> clients = new ConcurrentHashMap<>();
    /** How often the streams' sessions are asked: a signed-out or expired one's stream ends within this. */
    static final Duration SESSION_CHECK = Duration.ofSeconds(10);
    private volatile Instant lastSessionCheck = Instant.EPOCH;
    private final Map<String, String> current = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService senders;
    private final Object tickLock = new Object();
    private volatile String lastPrint = "";
    private volatile Instant lastRender = Instant.EPOCH;
    private volatile Instant lastPing = Instant.EPOCH;

    /** @param render the views by event name ("queue", "tickets", ...), rendered now */
    LiveConsole(Supplier<String> fingerprint, Supplier<Map<String, String>> render, Clock clock, Duration period) {
        this.fingerprint = fingerprint;
        this.render = render;
        this.clock = clock;
        this.period = period;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "console-live"));
        this.senders = Executors.newFixedThreadPool(4, r -> daemon(r, "console-sse"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void start() {
        ticker.scheduleWithFixedDelay(this::tickQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A browser connected: it gets every view as it stands now, then each change, for as long as
     * {@code stillSignedIn} says its session lasts (signed out, expired or deleted: the stream ends).
     */
    void add(SseClient client, BooleanSupplier stillSignedIn) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.put(client, stillSignedIn);
        Map<String, String> now = new LinkedHashMap<>(current);
        senders.execute(() -> now.forEach((event, html) -> send(client, event, html)));
    }

    int connected() {
        return clients.size();
    }

    /** Looks now (after a change made through the console itself, so its own browser sees it at once). */
    void nudge() {
        ticker.execute(() -> {
            lastPrint = "";
            tickQuietly();
        });
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the server is stopping (close() shut the senders down under a tick in flight): nothing to say
        } catch (RuntimeException e) {
            log.warn("console live views: {}", e.toString());
        }
    }

    /** One look: renders and sends when the desk changed or {@link #REFRESH} has passed. */
    void tick() {
        synchronized (tickLock) {
            if (clients.isEmpty()) {
                // nobody watching: no query; the next page renders afresh
                current.clear();
                lastPrint = "";
                return;
            }
            Instant now = clock.instant();
            if (Duration.between(lastSessionCheck, now).compareTo(SESSION_CHECK) >= 0) {
                lastSessionCheck = now;
                senders.execute(this::endSignedOut);   // a query per stream: never on the ticker, under its lock
            }
            String print = fingerprint.get();
            boolean due = Duration.between(lastRender, now).compareTo(REFRESH) >= 0;
            if (print.equals(lastPrint) && !due) {
                // a comment now and then keeps a quiet stream inside http.idle-timeout
                if (!clients.isEmpty() && Duration.between(lastPing, now).toSeconds() >= 10) {
                    lastPing = now;
                    senders.execute(() -> clients.keySet().forEach(c -> ping(c)));
                }
                return;
            }
            lastPrint = print;
            lastRender = now;
            Map<String, String> views = render.get();
            views.forEach((event, html) -> {
                if (!Objects.equals(current.put(event, html), html)) {
                    for (SseClient c : clients.keySet()) {
                        senders.execute(() -> send(c, event, html));
                    }
                }
            });
        }
    }

    /** Ends the streams whose session has ended: the queue's callers and the tickets stop reaching them. */
    private void endSignedOut() {
        for (Map.Entry<SseClient, BooleanSupplier> e : clients.entrySet()) {
            boolean still;
            try {
                still = e.getValue().getAsBoolean();
            } catch (RuntimeException ex) {
                // the database away: the stream stays until a check can answer (the views do not change meanwhile)
                log.warn("console live views: a stream's session could not be checked: {}", ex.toString());
                continue;
            }
            if (!still) {
                SseClient c = e.getKey();
                clients.remove(c);
                log.info("console live views: a stream's session ended; stream closed");
                senders.execute(c::close);
            }
        }
    }

    /** The views as last rendered (for a page's first paint). */
    Map<String, String> views() {
        synchronized (tickLock) {
            if (current.isEmpty()) {
                current.putAll(render.get());
                lastRender = clock.instant();
            }
            return new LinkedHashMap<>(current);
        }
    }

    private void send(SseClient c, String event, String html) {
        if (c.terminated()) {
            clients.remove(c);
            return;
        }
        try {
            synchronized (c) {
                // one line: an SSE data field ends at a newline
                c.sendEvent(event, html.replace("\r", "").replace("\n", " "));
            }
        } catch (RuntimeException e) {
            clients.remove(c);
            log.debug("console live view: a browser went away ({})", e.toString());
        }
    }

    private void ping(SseClient c) {
        if (c.terminated()) {
            clients.remove(c);
            return;
        }
        try {
            synchronized (c) {
                c.sendComment("");
            }
        } catch (RuntimeException e) {
            clients.remove(c);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        senders.shutdownNow();
        // the streams end with their connections when the server stops
        clients.clear();
    }
}
