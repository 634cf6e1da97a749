package org.pagerline.boot;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pagerline.service.CallService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every sixth of {@code line.dead-node-after}: this node writes that it still serves its calls,
 * then ends the live calls of any other node silent for longer (paging their urgent callers; see
 * {@link CallService#beat}). One node alone beats too: its database may hold the runs of a node
 * that never came back.
 */
final class NodeHeartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);
    private final CallService calls;
    private final Duration deadAfter;
    /** Two threads: the beats never wait behind a long cut-off of another node's calls. */
    private final ScheduledExecutorService beats = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "node-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /** When a failure was last logged (one line a minute while the database is away; guarded by this). */
    private long loggedAt = Long.MIN_VALUE;

    NodeHeartbeat(CallService calls, Duration deadAfter) {
        this.calls = calls;
        this.deadAfter = deadAfter;
    }

    NodeHeartbeat start() {
        long every = Math.max(1, deadAfter.toMillis() / 6);
        beats.scheduleWithFixedDelay(() -> quietly(() -> calls.beat(deadAfter)), 0, every, TimeUnit.MILLISECONDS);
        beats.scheduleWithFixedDelay(() -> quietly(() -> calls.endCallsOfSilentNodes(deadAfter)), every, every,
                TimeUnit.MILLISECONDS);
        return this;
    }

    private void quietly(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            synchronized (this) {
                long now = System.nanoTime();
                if (loggedAt == Long.MIN_VALUE || now - loggedAt > TimeUnit.MINUTES.toNanos(1)) {
                    loggedAt = now;
                    log.warn("could not write this node's beat or look for silent nodes: {}", e.toString());
                }
            }
        }
    }

    /**
     * Stops beating (before the calls' stop ends this run's calls and forgets it). A beat under way
     * finishes: an interrupt in the middle of H2's file I/O would close the database.
     */
    @Override
    public void close() {
        beats.shutdown();
        try {
            if (!beats.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the node's heartbeat did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
