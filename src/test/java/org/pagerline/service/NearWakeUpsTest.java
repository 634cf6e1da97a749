package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Where a pass's next wake-up goes: far ones to the wake-ups (Quartz), near ones to an in-process
 * timer, unless the wake-ups take near ones too (a scenario that moves its own clock and runs each
 * pass by hand: a real-time timer would run passes of its own at whatever instant its clock shows).
 */
class NearWakeUpsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T03:00:00Z");

    private static final class Recorded implements WakeUps {
        final List<Instant> asked = new ArrayList<>();
        final boolean near;

        Recorded(boolean near) {
            this.near = near;
        }

        @Override
        public void wakeAt(Instant due) {
            asked.add(due);
        }

        @Override
        public boolean takesNearWakeUps() {
            return near;
        }
    }

    @Test
    void aScenarioThatRunsItsOwnPassesIsAskedForTheNearWakeUpsAndNoTimerRunsOne() {
        AtomicInteger passes = new AtomicInteger();
        Recorded w = new Recorded(true);
        try (PassKicker k = new PassKicker("test-kick", passes::incrementAndGet, LoggerFactory.getLogger(getClass()), "x")) {
            k.attachWakeUps(w);
            k.wakeAt(NOW.plusSeconds(1), NOW);
            k.wakeAt(NOW.minusSeconds(5), NOW); // past due: half a second on
            k.wakeAt(NOW.plusSeconds(60), NOW);
        }
        assertEquals(List.of(NOW.plusSeconds(1), NOW.plusMillis(500), NOW.plusSeconds(60)), w.asked);
        assertEquals(0, passes.get(), "the kicker's own thread ran no pass: the timer was never armed");
    }

    @Test
    void inProductionOnlyTheFarWakeUpsGoToTheWakeUps() {
        Recorded w = new Recorded(false);
        try (PassKicker k = new PassKicker("test-kick", () -> { }, LoggerFactory.getLogger(getClass()), "x")) {
            k.attachWakeUps(w);
            k.wakeAt(NOW.plusSeconds(1), NOW);
            k.wakeAt(NOW.plusSeconds(60), NOW);
        }
        assertEquals(List.of(NOW.plusSeconds(60)), w.asked);
    }

    @Test
    void kicksSoonerThanTheGapAfterAPassAreRunTogetherAtTheGapsEnd() throws Exception {
        Duration gap = Duration.ofMillis(300);
        AtomicInteger passes = new AtomicInteger();
        long[] started = new long[3];
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        Runnable pass = () -> {
            int n = passes.incrementAndGet();
            started[Math.min(n, 2)] = System.nanoTime();
            (n == 1 ? first : second).countDown();
        };
        try (PassKicker k = new PassKicker("test-kick", pass, LoggerFactory.getLogger(getClass()), "x", gap)) {
            k.kick();
            assertTrue(first.await(10, TimeUnit.SECONDS), "the first kick runs a pass at once");
            for (int i = 0; i < 10; i++) {
                k.kick();
            }
            assertTrue(second.await(10, TimeUnit.SECONDS), "the kicks after it run a pass");
            assertEquals(2, passes.get(), "ten kicks within the gap: one pass");
            // the kicker times the gap from just before it calls the pass, the pass stamps itself a moment
            // later (a busy CI machine once made that 299 ms): 20 ms of slack, far from "at once"
            assertTrue(started[2] - started[1] >= gap.toNanos() - TimeUnit.MILLISECONDS.toNanos(20),
                    "the second pass began " + (started[2] - started[1]) / 1_000_000 + " ms after the first, not the gap's 300");
        }
    }
}
