package org.pagerline.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * The sign-in rate limits are counted in the database: five attempts for a name on one node
 * lock the name on the other node and after a restart, for fifteen minutes; and neither the name
 * nor the address is kept in the table.
 */
class SignInLimitsHoldAcrossRestartsAndNodesTest {
    @TempDir
    Path dir;
    final MutableClock clock = MutableClock.at("2026-11-23T15:00:00Z");

    @Test
    void wrongPasswordsOnOneNodeLockTheNameOnTheOtherAndAfterARestart() {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            AttemptLimits.Limit nodeA = new AttemptLimits(db.transactions(), clock).limit("by name", 5, Duration.ofMinutes(15));
            AttemptLimits.Limit nodeB = new AttemptLimits(db.transactions(), clock).limit("by name", 5, Duration.ofMinutes(15));
            for (int i = 0; i < 5; i++) {
                assertTrue(nodeA.tryAcquire("tess tech"));
            }
            assertFalse(nodeB.tryAcquire("tess tech"), "the other node sees the five");
            assertTrue(nodeB.tryAcquire("lars lead"), "another name is not locked");
            String kept = db.transactions().inTransaction(s -> s.web().attemptsSince(Tokens.hash("by name\ntess tech"),
                    clock.instant().minusSeconds(60)) + "");
            assertEquals("5", kept, "kept as the hash of the limit and key");
        }
        clock.advance(Duration.ofMinutes(10));
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            AttemptLimits.Limit restarted = new AttemptLimits(db.transactions(), clock).limit("by name", 5, Duration.ofMinutes(15));
            assertFalse(restarted.tryAcquire("tess tech"), "a restart does not forgive");
            clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            assertTrue(restarted.tryAcquire("tess tech"), "fifteen minutes after the attempts, it does");
        }
    }

    /**
     * Sixteen sign-ins for one name at once on one node (one per request thread): five are let
     * through to the password check, the rest refused, as if they had come one after another.
     */
    @Test
    void attemptsAtTheSameInstantOnOneNodeGetNoMoreThanTheLimit() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("db"))) {
            AttemptLimits.Limit byName = new AttemptLimits(db.transactions(), clock).limit("by name", 5, Duration.ofMinutes(15));
            int threads = 16;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
                java.util.List<java.util.concurrent.Future<Boolean>> tries = new java.util.ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    tries.add(pool.submit(() -> {
                        together.await();
                        return byName.tryAcquire("alice");
                    }));
                }
                int through = 0;
                for (var t : tries) {
                    through += t.get(30, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(5, through, "let through to the password check");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anAddressGetsItsAttemptsAndNoMoreAcrossNodesAndARightPasswordClearsTheName() {
        try (TestDatabase db = TestDatabase.inMemory()) {
            AttemptLimits a = new AttemptLimits(db.transactions(), clock);
            AttemptLimits b = new AttemptLimits(db.transactions(), clock);
            AttemptLimits.Limit linksA = a.limit("links", 3, Duration.ofMinutes(15));
            AttemptLimits.Limit linksB = b.limit("links", 3, Duration.ofMinutes(15));
            assertTrue(linksA.tryAcquire("203.0.113.9"));
            assertTrue(linksB.tryAcquire("203.0.113.9"));
            assertTrue(linksA.tryAcquire("203.0.113.9"));
            assertFalse(linksB.tryAcquire("203.0.113.9"), "the fourth, on either node, is refused");
            assertTrue(linksB.tryAcquire("198.51.100.7"));

            AttemptLimits.Limit names = a.limit("names", 2, Duration.ofMinutes(15));
            assertTrue(names.tryAcquire("ada admin"));
            assertTrue(names.tryAcquire("ada admin"));
            assertFalse(names.tryAcquire("ada admin"), "the name is at its limit");
            names.clear("ada admin");
            assertTrue(names.tryAcquire("ada admin"), "a right password cleared it");
        }
    }
}
