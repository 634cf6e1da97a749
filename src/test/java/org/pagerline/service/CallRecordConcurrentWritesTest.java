package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.call.CallStore;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;

/**
 * The call row is written by two threads: the FastAGI script's (steps, the end, the recording,
 * the accept) and the AMI worker's (queue answer, abandon position and wait). Neither may undo
 * the other's write, whichever commits first. Each test holds one side between its read and its
 * write while the other side runs to its commit (the two orders a real race can take).
 */
class CallRecordConcurrentWritesTest {
    private static final String UID = "1796186322.41";
    private static final String ABANDONED = "hung up in the queue at position 3 after 4m12s (joined at position 5)";
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T16:00:00Z");
    /** The thread whose next call-row write waits for {@link #release}; null: nobody waits. */
    private volatile Thread held;
    private final CountDownLatch atWrite = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CallService calls = new CallService(holding(db.transactions()),
            new TicketService(db.transactions(), clock), new PhoneNumbers("CA"), new RecordingIncidentOpener(), clock,
            Duration.ofHours(4), Duration.ofMinutes(30), Set.of("CA", "US"));

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anAbandonRecordedWhileTheScriptEndsTheCallKeepsItsPositionAndWait() throws Exception {
        long call = queuedCall();

        // the script reads the row to end the call ...
        CompletableFuture<Void> script = hold(() -> calls.hungUp(call, CallStep.QUEUE));
        // ... the AMI worker records the abandon and commits meanwhile ...
        calls.onQueueEvent(UID, "QUEUE_ABANDONED", ABANDONED);
        // ... then the script writes its end
        finish(script);

        CallRecord c = calls.find(call).orElseThrow();
        assertEquals(CallOutcome.HUNG_UP, c.outcome());
        assertEquals(3, c.abandonedPosition(), "the position the AMI event recorded");
        assertEquals(252L, c.waitedSeconds(), "the wait the AMI event recorded");
    }

    @Test
    void anEndRecordedWhileTheAmiWorkerRecordsTheAbandonIsKept() throws Exception {
        long call = queuedCall();

        // the AMI worker reads the row to record the abandon ...
        CompletableFuture<Void> ami = hold(() -> calls.onQueueEvent(UID, "QUEUE_ABANDONED", ABANDONED));
        // ... the script ends the call and commits meanwhile ...
        calls.hungUp(call, CallStep.QUEUE);
        // ... then the AMI worker writes the abandon
        finish(ami);

        CallRecord c = calls.find(call).orElseThrow();
        assertEquals(CallOutcome.HUNG_UP, c.outcome(), "the end the script recorded");
        assertEquals(CallStep.QUEUE, c.lastStep());
        assertEquals(3, c.abandonedPosition());
        assertEquals(252L, c.waitedSeconds());
    }

    @Test
    void whoAnsweredRecordedWhileTheScriptMovesToTheNextStepIsKept() throws Exception {
        long call = queuedCall();

        CompletableFuture<Void> script = hold(() -> calls.step(call, CallStep.TICKET));
        calls.onQueueEvent(UID, "QUEUE_ANSWERED", "answered by Alice Tremblay after 42s in the queue");
        finish(script);

        CallRecord c = calls.find(call).orElseThrow();
        assertEquals(CallStep.TICKET, c.lastStep());
        assertEquals("Alice Tremblay", c.answeredBy());
        assertNull(c.outcome());
    }

    private long queuedCall() {
        long id = calls.start(UID, "PJSIP/trunk-00000041", "+12045559001", "Jane").callId();
        calls.step(id, CallStep.QUEUE);
        return id;
    }

    /** Runs {@code work} on another thread and returns once it is about to write the call row. */
    private CompletableFuture<Void> hold(Runnable work) throws InterruptedException {
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            held = Thread.currentThread();
            work.run();
        });
        if (!atWrite.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the held side never wrote the call row");
        }
        return f;
    }

    private void finish(CompletableFuture<Void> f) throws Exception {
        release.countDown();
        f.get(10, TimeUnit.SECONDS);
    }

    /** Transactions whose call store makes the {@link #held} thread wait at its first write. */
    private Transactions holding(Transactions tx) {
        return new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
                return tx.inTransaction(s -> work.apply((Stores) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {Stores.class}, (p, m, a) -> {
                            Object r = invoke(m, s, a);
                            return m.getName().equals("calls") ? holdingCalls((CallStore) r) : r;
                        })));
            }
        };
    }

    private CallStore holdingCalls(CallStore store) {
        return (CallStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CallStore.class},
                (p, m, a) -> {
                    boolean write = !m.getName().startsWith("find") && !m.getName().equals("forTicket")
                            && !m.getName().equals("insert");
                    if (write && Thread.currentThread() == held) {
                        held = null;
                        atWrite.countDown();
                        if (!release.await(10, TimeUnit.SECONDS)) {
                            throw new AssertionError("never released");
                        }
                    }
                    return invoke(m, store, a);
                });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
