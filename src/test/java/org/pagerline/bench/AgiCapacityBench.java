package org.pagerline.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.pagerline.cli.simulate.AgiPeer;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.testkit.LineRig;
import org.pagerline.testkit.TestDatabase;

/**
 * Capacity of the support line's FastAGI listener, on loopback only: not a unit test (it is not
 * named *Test and never runs in {@code mvn verify}). Run with {@code scripts/bench-agi [calls] [seconds] [workers]}.
 *
 * <p>Phase 1, held calls: {@code calls} simulated callers (the real AgiPeer protocol code) dial in,
 * press 2 (not urgent, in hours) and sit in Queue() until released; reports the most held at once,
 * how many were refused, and the heap used (after a GC; server and simulated callers share this
 * JVM, so it is an upper bound for the server) at 500 and at {@code calls} concurrent calls.
 * Phase 2, throughput: {@code workers} (default 8) callers in a loop place short calls (press 2, answered at once) for
 * {@code seconds}; reports calls per second sustained. Over both, the server's time per AGI command:
 * from the moment a reply was written to the moment the next command arrived.
 */
public final class AgiCapacityBench {
    private AgiCapacityBench() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int workers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        if (calls < 1 || calls > 5000 || seconds < 1 || seconds > 300) {
            throw new IllegalArgumentException("calls 1..5000, seconds 1..300");
        }
        System.setProperty("pagerline.log.level", "WARN");
        List<Long> heldNanos = Collections.synchronizedList(new ArrayList<>());
        List<Long> busyNanos = Collections.synchronizedList(new ArrayList<>());
        try (LineRig rig = LineRig.at("2026-11-23T10:00:00-06:00", TestDatabase.inMemory(), calls + 100, Map.of())) {
            // warm-up (discarded): the JIT compiles the server's paths before anything is measured
            System.out.print("warm-up, not counted: ");
            throughputPhase(rig, 5, workers, Collections.synchronizedList(new ArrayList<>()));
            heldPhase(rig, calls, heldNanos);
            throughputPhase(rig, seconds, workers, busyNanos);
        }
        report("held phase (ramping to " + calls + " concurrent calls and back)", heldNanos);
        report("throughput phase (" + workers + " callers back to back)", busyNanos);
    }

    private static void report(String phase, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("server time per AGI command, %s, %d commands: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                phase, sorted.size(), pct(sorted, 50), pct(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
    }

    private static void heldPhase(LineRig rig, int calls, List<Long> serverNanos) throws Exception {
        // Held calls leave the queue one by one at the arrival pace (~500/s), as callers are answered
        // by technicians, not all in the same millisecond: a simultaneous release of 1,000 calls on two
        // cores measures the thread scheduler, not the server.
        java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Runnable hold = () -> {
            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            try {
                release.tryAcquire(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.decrementAndGet();
        };
        ExecutorService callers = Executors.newFixedThreadPool(calls);
        long heap500 = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            String uid = "1763900000." + i;
            // a thousand different callers: one caller's calls share (and lock) one ticket
            String from = String.format("+1204556%04d", i);
            callers.submit(() -> {
                Conversation c = AgiPeer.run(new AgiPeer.Call("127.0.0.1", rig.port, "support-line", from, null, uid,
                        List.of(), CallerScript.pressing("2").holding(hold), Duration.ofSeconds(120)));
                if (c.error() != null || c.exchanges().isEmpty() || !"QUEUE_ANSWERED".equals(c.variable("PAGERLINE_RESULT"))) {
                    refused.incrementAndGet();
                }
                c.exchanges().forEach(e -> serverNanos.add(e.serverNanos()));
                done.incrementAndGet();
            });
            // pace arrivals evenly at ~500 calls/s: a PBX does not open 1,000 sockets in one instant
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            if (i + 1 == Math.min(500, calls)) {
                heap500 = waitAndMeasure(held, i + 1, t0);
            }
        }
        long heapAll = waitAndMeasure(held, calls, t0);
        double rampSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("held phase: %d calls requested, max %d held at once (listener active %d), ramp %.1f s%n", calls,
                maxHeld.get(), rig.listener.activeCalls(), rampSeconds);
        System.out.printf("heap used after GC: %d MB at %d concurrent calls, %d MB at %d%n", heap500 >> 20,
                Math.min(500, calls), heapAll >> 20, held.get());
        for (int i = 0; i < calls; i++) {
            release.release();
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        callers.shutdown();
        callers.awaitTermination(5, TimeUnit.MINUTES);
        System.out.printf("held phase done: %d completed, %d refused or failed%n", done.get(), refused.get());
    }

    private static long waitAndMeasure(AtomicInteger held, int target, long t0) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (held.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.gc();
        Thread.sleep(200);
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void throughputPhase(LineRig rig, int seconds, int workers, List<Long> serverNanos) throws Exception {
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long t0 = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long n = seq.incrementAndGet();
                    // distinct callers so each call opens its own ticket (the worst case for the database)
                    String from = "+1204555" + String.format("%04d", n % 10_000);
                    Conversation c = AgiPeer.run(new AgiPeer.Call("127.0.0.1", rig.port, "support-line", from, null,
                            "1763990000." + n, List.of(), CallerScript.pressing("2"), Duration.ofSeconds(30)));
                    if ("QUEUE_ANSWERED".equals(c.variable("PAGERLINE_RESULT"))) {
                        completed.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    c.exchanges().forEach(e -> serverNanos.add(e.serverNanos()));
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        System.out.printf("throughput phase: %d calls completed in %.1f s = %.0f calls/s sustained (%d workers), %d failed%n",
                completed.get(), elapsed, completed.get() / elapsed, workers, failed.get());
    }

    private static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1))) / 1e6;
    }
}
