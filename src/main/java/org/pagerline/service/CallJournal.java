package org.pagerline.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support line's writer: the calls' progress (steps, timeline lines, the end) is handed here
 * and written off the callers' threads, in the order it was handed in, by one thread that takes
 * everything waiting and writes it in one transaction ({@link Transactions#inOneCommit}: one
 * commit for many calls, each piece under a savepoint of its own so one failure stays its own).
 * The steps that must be saved before the caller goes on (the urgent voicemail with its incident,
 * a technician's accept) are handed in the same way and waited for ({@link #await}), so they are
 * written in order with the lines before them.
 *
 * <p>The thread starts with the first piece of work (the command line never starts it). After
 * {@link #close()} (the server's stop, once the FastAGI listener has drained) work is written on
 * the caller's own thread, so nothing handed in late is dropped.
 */
final class CallJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallJournal.class);
    /** At most this many pieces per transaction. */
    static final int MAX_BATCH = 256;

    /** A piece of work and who hears how it went (value, or the failure). */
    record Entry(Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {}

    private final Transactions tx;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private Thread writer;
    private boolean closed;
    private long handedIn;
    private long written;

    CallJournal(Transactions tx) {
        this.tx = tx;
    }

    /** Hands work in; it is written after everything handed in before it. Never blocks. */
    void submit(Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        Entry e = new Entry(work, done);
        synchronized (lock) {
            if (!closed) {
                if (writer == null) {
                    writer = new Thread(this::loop, "call-journal");
                    writer.setDaemon(true);
                    writer.start();
                }
                handedIn++;
                queue.add(e);
                return;
            }
        }
        write(List.of(e)); // stopped: on this thread
    }

    /** Hands work in and waits until it is committed (or failed: then throws what it threw). */
    @SuppressWarnings("unchecked")
    <T> T await(Function<Stores, T> work) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        submit(work, (v, e) -> {
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
            try {
                Entry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    synchronized (lock) {
                        if (closed && queue.isEmpty()) {
                            return;
                        }
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
                synchronized (lock) {
                    written += batch.size();
                    lock.notifyAll();
                }
                batch.clear();
            } catch (InterruptedException e) {
                // only the stop interrupts, and it waits for the queue to drain first
                Thread.currentThread().interrupt();
                return;
            }
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
