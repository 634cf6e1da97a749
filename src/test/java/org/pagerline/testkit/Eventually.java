package org.pagerline.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another thread or process does, polling with a deadline. For real
 * asynchrony only (a socket, a child JVM): time-driven behaviour moves a {@link MutableClock}.
 */
public final class Eventually {
    private Eventually() {}

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
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
