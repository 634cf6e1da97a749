package org.pagerline.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for real asynchronous work (sockets, background threads): no fixed sleeps. */
public final class AmiEventually {
    private AmiEventually() {}

    /** Waits until {@code condition} holds; fails with {@code what} after {@code limit}. */
    public static void await(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toMillis() + " ms waiting for: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(10); // polling interval, not timing: the deadline bounds the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
