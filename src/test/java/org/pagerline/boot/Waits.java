package org.pagerline.boot;

import java.util.Arrays;

/**
 * The benchmark's record of AGI command waits, in nanoseconds: a growable {@code long[]}, no boxing.
 *
 * <p>The generator shares its JVM with the servers it measures, so what it keeps is on their
 * collector's books. It kept each wait as a boxed {@code Long} in an {@code ArrayList} sized for a
 * million: every wait of a run lived until the run ended (promoted to the old generation with the
 * servers' objects), and each run's 4 MB reference array was a humongous object, which G1 on JDK 17
 * frees only after a concurrent cycle (a primitive array it frees at the next young collection).
 * A GC log of a whole run showed 143 humongous regions (572 MB) held at its end.
 */
final class Waits {
    private long[] a = new long[4096];
    private int n;

    void add(long nanos) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n++] = nanos;
    }

    int size() {
        return n;
    }

    boolean isEmpty() {
        return n == 0;
    }

    long sum() {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
        }
        return s;
    }

    long get(int i) {
        if (i >= n) {
            throw new IndexOutOfBoundsException(i + " of " + n);
        }
        return a[i];
    }

    /** A sorted copy. */
    long[] sorted() {
        long[] s = Arrays.copyOf(a, n);
        Arrays.sort(s);
        return s;
    }
}
