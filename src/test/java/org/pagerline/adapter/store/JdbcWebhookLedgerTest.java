package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

class JdbcWebhookLedgerTest {
    final TestDatabase db = TestDatabase.inMemory();
    final MutableClock clock = MutableClock.at("2026-11-19T13:00:00Z");
    final JdbcWebhookLedger ledger = new JdbcWebhookLedger(db.database().dataSource(), clock, Duration.ofDays(30));

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void firstClaimActsAndReplaysGetTheStoredAnswer() {
        assertEquals(Optional.empty(), ledger.claim("sms:SM1"));
        ledger.finish("sms:SM1", "<Response><Message>ok</Message></Response>");

        assertEquals(Optional.of("<Response><Message>ok</Message></Response>"), ledger.claim("sms:SM1"));
    }

    @Test
    void releasedClaimCanBeClaimedAgain() {
        ledger.claim("sms:SM2");
        ledger.release("sms:SM2");
        assertEquals(Optional.empty(), ledger.claim("sms:SM2"));
    }

    @Test
    void concurrentClaimsOfOneKeyLetExactlyOneAct() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(() -> ledger.claim("sms:SM3").isEmpty());
            }
            long winners = 0;
            for (Future<Boolean> won : pool.invokeAll(racers)) {
                winners += won.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void entriesExpireAfterTheRetentionWindow() {
        ledger.mark("pressed:CA1");
        assertTrue(ledger.seen("pressed:CA1"));

        clock.advance(Duration.ofDays(31));

        assertFalse(ledger.seen("pressed:CA1"));
        assertEquals(1, ledger.prune());
        assertEquals(Optional.empty(), ledger.claim("pressed:CA1"), "pruned: a very old replay acts again");
    }
}
