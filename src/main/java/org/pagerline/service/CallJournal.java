package org.pagerline.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support line's writer: the calls' progress (steps, timeline lines, the end) is handed here
 * and written off the callers' threads by one thread that takes everything waiting and writes it
 * in one transaction ({@link Transactions#inOneCommit}: one commit for many calls, each piece under
 * a savepoint of its own so one failure stays its own). The steps that must be saved before the
 * caller goes on (the urgent voicemail with its incident, a technician's accept) are handed in the
 * same way and waited for ({@link #await}).
 *
 * <p>Two lanes. What a caller is waiting for (a call's start: the ticket they will hear; the urgent
 * voicemail with its incident; a technician's accept) goes in the first lane and is written before
 * the rest: a start never waits behind a backlog of other calls' timeline lines. The rest (progress
 * handed in before a long wait on Asterisk, a call's last lines, AMI queue events) is written in the
 * order handed in. Each commit carries everything waiting in the first lane, then at most
 * {@link #MAX_REST} pieces of the rest (a quarter of a longer backlog when no start waits), so a
 * start waits for the commit under way and its own, and a stream of starts cannot hold back the
 * calls under way either. Order within a call holds
 * across the lanes: each piece names its call (its Asterisk unique id), and a piece put in the
 * first lane takes its call's pieces still waiting in the rest along, ahead of it.
 *
 * <p>The thread starts with the first piece of work (the command line never starts it). After
 * {@link #close()} (the server's stop, once the FastAGI listener has drained) work is written on
 * the caller's own thread, so nothing handed in late is dropped.
 */
final class CallJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallJournal.class);
    /** At most this many pieces of the first lane per transaction. */
    static final int MAX_BATCH = 256;
    /**
     * At most this many pieces of the rest per transaction (about 10 ms of H2 work on a quiet core),
     * or a quarter of a longer backlog: what a start handed in meanwhile waits for.
     */
    static final int MAX_REST = 32;

    /** Which lane a piece goes in. */
    enum Lane {
        /** A caller (or a technician) waits for it: written first, with its call's earlier pieces. */
        WAITED_FOR,
        /** Everything else, in the order handed in. */
        REST
    }

    /**
     * A piece of work, the call it belongs to (null: none, or one this node cannot name) and who
     * hears how it went (value, or the failure).
     */
    record Entry(String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {}

    private final Transactions tx;
    private final ArrayDeque<Entry> first = new ArrayDeque<>();
    private final ArrayDeque<Entry> rest = new ArrayDeque<>();
    private final Object lock = new Object();
    private Thread writer;
    private boolean closed;
    private long handedIn;
    private long written;

    CallJournal(Transactions tx) {
        this.tx = tx;
    }

    /** Hands work in, in the rest lane; it is written after everything handed in before it. Never blocks. */
    void submit(String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        submit(Lane.REST, call, work, done);
    }

    /** Hands work in. Never blocks. */
    void submit(Lane lane, String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        Entry e = new Entry(call, work, done);
        synchronized (lock) {
            if (!closed) {
                if (writer == null) {
                    writer = new Thread(this::loop, "call-journal");
                    writer.setDaemon(true);
                    writer.start();
                }
                handedIn++;
                if (lane == Lane.WAITED_FOR) {
                    if (call != null) {
                        takeAlong(call);
                    }
                    first.add(e);
                } else {
                    rest.add(e);
                }
                lock.notifyAll();
                return;
            }
        }
        write(List.of(e)); // stopped: on this thread
    }

    /** Moves the call's pieces still waiting in the rest to the end of the first lane, in their order. */
    private void takeAlong(String call) {
        for (Iterator<Entry> i = rest.iterator(); i.hasNext(); ) {
            Entry r = i.next();
            if (call.equals(r.call())) {
                i.remove();
                first.add(r);
            }
        }
    }

    /** Hands work in, in the first lane, and waits until it is committed (or failed: then throws what it threw). */
    @SuppressWarnings("unchecked")
    <T> T await(String call, Function<Stores, T> work) {
        return await(Lane.WAITED_FOR, call, work);
    }

    /** Hands work in and waits until it is committed (or failed: then throws what it threw). */
    @SuppressWarnings("unchecked")
    <T> T await(Lane lane, String call, Function<Stores, T> work) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        submit(lane, call, work, (v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        });
        try {
            return (T) f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Waits until everything handed in so far is written (tests, and the stop). False if it took longer than {@code max}. */
    boolean awaitWritten(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            long target = handedIn;
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void loop() {
        List<Entry> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            synchronized (lock) {
                while (first.isEmpty() && rest.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    try {
                        lock.wait(200);
                    } catch (InterruptedException e) {
                        // only the stop interrupts, and it waits for the lanes to drain first
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                // one commit per round: whatever waits in the first lane, ahead of a bounded share of
                // the rest. A commit's cost is mostly its own (H2 writes every page it touched), so a
                // start rides along with the calls' lines instead of waiting for a commit of them first.
                while (!first.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(first.poll());
                }
                int maxRest = batch.isEmpty() ? Math.min(MAX_BATCH, Math.max(MAX_REST, rest.size() / 4)) : MAX_REST;
                for (int taken = 0; taken < maxRest && !rest.isEmpty(); taken++) {
                    batch.add(rest.poll());
                }
            }
            write(batch);
            synchronized (lock) {
                written += batch.size();
                lock.notifyAll();
            }
            batch.clear();
        }
    }

    private void write(List<Entry> batch) {
        List<Transactions.Result> results;
        try {
            results = tx.inOneCommit(batch.stream().<Function<Stores, ?>>map(Entry::work).toList());
        } catch (RuntimeException | Error e) { // NOPMD: the writer must outlive any one batch
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            results = batch.stream().map(x -> new Transactions.Result(null, failure)).toList();
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).done().accept(results.get(i).value(), results.get(i).failure());
            } catch (RuntimeException e) {
                log.error("call journal: a completion failed: {}", e.toString(), e);
            }
        }
    }

    /** Writes what is waiting, then stops the thread; later work is written on its caller's thread. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = writer;
            lock.notifyAll();
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("call journal: still writing after 30 s; stopping without waiting");
            }
        }
    }
}
