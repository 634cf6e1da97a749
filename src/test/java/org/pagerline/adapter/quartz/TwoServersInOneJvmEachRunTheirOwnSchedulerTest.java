package org.pagerline.adapter.quartz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.SchedulerConfig;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.TestDatabase;

/**
 * Two pagerline servers in one JVM (the real-Asterisk suite runs one per lab), each on its own
 * database: each wakes its own engine from its own store, and stopping one leaves the other
 * running. Quartz keeps its schedulers by name per JVM, and every pagerline scheduler has the same
 * name (its rows' SCHED_NAME), so the second server used to be handed the first's scheduler.
 */
class TwoServersInOneJvmEachRunTheirOwnSchedulerTest {

    @Test
    void eachWakesItsOwnEngineAndOutlivesTheOther(@TempDir Path one, @TempDir Path two) {
        AtomicInteger firstPasses = new AtomicInteger();
        AtomicInteger secondPasses = new AtomicInteger();
        SchedulerConfig hourlySweep = new SchedulerConfig(Duration.ofHours(1), 1);
        try (TestDatabase db1 = TestDatabase.fileIn(one); TestDatabase db2 = TestDatabase.fileIn(two);
                QuartzScheduler second = new QuartzScheduler(db2.database().dataSource(), false, hourlySweep, secondPasses::incrementAndGet);
                QuartzScheduler first = new QuartzScheduler(db1.database().dataSource(), false, hourlySweep, firstPasses::incrementAndGet)) {
            first.start();
            second.start();
            // the sweep's first firing (at start) done by each, so what follows counts the wake-ups alone
            Eventually.await(Duration.ofSeconds(10), "each scheduler's first sweep", () -> firstPasses.get() >= 1 && secondPasses.get() >= 1);
            int secondBefore = secondPasses.get();

            first.wakeAt(Instant.now());
            Eventually.await(Duration.ofSeconds(10), "the first server's wake-up waking the first engine", () -> firstPasses.get() >= 2);
            assertEquals(secondBefore, secondPasses.get(), "the first server's wake-up woke the second server's engine");
            // Quartz deletes a fired trigger once its job has returned: a moment after the pass counted
            Eventually.await(Duration.ofSeconds(10), "the first server's wake-up gone from its own store", () -> first.pendingWakeUps() == 0);

            first.close();
            assertTrue(second.isUp(), "stopping the first server stopped the second's scheduler");
            second.wakeAt(Instant.now());
            Eventually.await(Duration.ofSeconds(10), "the second server's wake-up once the first has stopped",
                    () -> secondPasses.get() >= secondBefore + 1);
        }
    }
}
