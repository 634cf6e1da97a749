package org.pagerline.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for real asynchronous work (a real scheduler, a child process): never a bare sleep. */
public final class PagingEventually {
    private PagingEventually() {}

    public static void await(Duration within, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
