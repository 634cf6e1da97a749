package org.pagerline.service;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * When an engine's pass runs, for both engines (the paging {@link EscalationEngine} and the
 * {@link TicketClockEngine}): a {@link #kick()} runs the pass soon on the engine's own thread
 * (kicks while one is queued coalesce into it), and {@link #wakeAt} asks for the pass at the next
 * due instant. Wake-ups more than {@link #NEAR} ahead go to Quartz (persistent); nearer ones to an
 * in-process timer, because a Quartz JDBC trigger costs several transactions and dense due
 * instants would queue behind them. Losing an in-process timer in a crash loses nothing: start-up
 * runs a pass, and the sweep runs on.
 */
final class PassKicker implements AutoCloseable {
    static final Duration NEAR = Duration.ofSeconds(2);
    private final Runnable pass;
    private final Logger log;
    private final String failed;
    private volatile WakeUps wakeUps = due -> { };
    private final AtomicBoolean kickQueued = new AtomicBoolean();
    /** The in-process wake-up already set (epoch ms), 0 when none. */
    private final AtomicLong timerAt = new AtomicLong();
    private final ScheduledExecutorService thread;
    private final long gapNanos;
    /** When the last pass started (nanoTime); only the engine's thread writes it. */
    private volatile long lastStart;

    /**
     * @param threadName the engine's thread
     * @param pass       the engine's idempotent pass
     * @param failed     what the log says when a kicked pass throws (the next wake-up or sweep retries)
     */
    PassKicker(String threadName, Runnable pass, Logger log, String failed) {
        this(threadName, pass, log, failed, Duration.ZERO);
    }

    /**
     * @param gap the least time from one kicked pass's start to the next's: kicks sooner than that
     *            after a pass are run together, at the gap's end (zero: at once)
     */
    PassKicker(String threadName, Runnable pass, Logger log, String failed, Duration gap) {
        this.gapNanos = gap.toNanos();
        this.lastStart = System.nanoTime() - gapNanos;
        this.pass = pass;
        this.log = log;
        this.failed = failed;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Wiring only: where the engine asks to be woken (Quartz). Until then it is not woken from outside. */
    void attachWakeUps(WakeUps w) {
        this.wakeUps = w;
    }

    /**
     * A pass soon, on the engine's own thread (no sooner than the gap after the last one began);
     * kicks while one is queued coalesce.
     */
    void kick() {
        if (kickQueued.compareAndSet(false, true)) {
            Runnable run = () -> {
                kickQueued.set(false);
                lastStart = System.nanoTime();
                try {
                    pass.run();
                } catch (RuntimeException e) {
                    log.error(failed, e);
                }
            };
            long wait = lastStart + gapNanos - System.nanoTime();
            try {
                if (wait > 0) {
                    thread.schedule(run, wait, TimeUnit.NANOSECONDS);
                } else {
                    thread.execute(run);
                }
            } catch (RejectedExecutionException closed) {
                kickQueued.set(false);
            }
        }
    }

    /**
     * The next pass at {@code due} (a due instant already past: half a second from now, so that
     * work a pass could not do yet is retried shortly, not in a tight loop).
     */
    void wakeAt(Instant due, Instant now) {
        Instant at = due.isAfter(now) ? due : now.plusMillis(500);
        Duration in = Duration.between(now, at);
        if (in.compareTo(NEAR) > 0 || wakeUps.takesNearWakeUps()) {
            wakeUps.wakeAt(at);
            return;
        }
        long ms = at.toEpochMilli();
        long pending = timerAt.get();
        if (pending > now.toEpochMilli() - 1000 && pending <= ms) {
            return;   // an earlier in-process wake-up is already set; its pass will look further
        }
        timerAt.set(ms);
        try {
            thread.schedule(() -> {
                timerAt.compareAndSet(ms, 0);
                kick();
            }, Math.max(0, in.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // shutting down
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
