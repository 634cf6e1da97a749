package org.pagerline.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support line's writer: the calls' progress (steps, timeline lines, the end) is handed here
 * and written off the callers' threads by writer threads, each taking what waits and writing it in
 * one transaction ({@link Transactions#inOneCommit}: one commit for many calls, each piece under a
 * savepoint of its own so one failure stays its own). The steps that must be saved before the
 * caller goes on (the urgent voicemail with its incident, a technician's accept) are handed in the
 * same way and waited for ({@link #await}).
 *
 * <p>Three lanes. What a caller is waiting for goes in the two waited-for lanes and is written
 * before the rest: the calls' starts (the ticket they will hear, the routing) in one; the urgent
 * voicemail with its incident and a technician's accept in the first lane. The rest (progress
 * handed in before a long wait on Asterisk, a call's last lines, AMI queue events) is written in
 * the order handed in. With more than one writer (the server has four) each commit takes one
 * lane, the starts first: a start waits for a starts' commit under way and its own, never for an
 * incident being opened or for other calls' lines, which other writers write meanwhile; two
 * writers may write starts at once, never two starts of one caller's number; the first lane is
 * written by at most {@code firstLaneWriters} (the server's: one), never two pieces of one ticket
 * at once. The rest is written
 * by one writer at a time: what is handed in while its commit is open goes in its next commit,
 * together (H2 serialises every page a commit changed, whatever the commit's size; at 500 callers
 * the rest's commits, taken by whichever writer woke first, averaged four pieces). With one
 * writer, each commit carries the starts and the first lane, then at most {@link #MAX_REST} pieces
 * of the rest, so a stream of starts cannot hold back the calls under way. A commit of the rest
 * alone carries at most {@link #MAX_REST} pieces, or a quarter of a longer backlog.
 *
 * <p>Order within a call holds across the lanes and the writers: each piece names its call (its
 * Asterisk unique id); a piece put in a waited-for lane takes its call's pieces still waiting in
 * the rest along, ahead of it; and no writer takes a call's piece while an earlier one of that call
 * is being written or still waits, in any lane (a resumed call's new start waits for its voicemail
 * still in the first lane). The waited-for lanes never hold every writer: the rest always has
 * one. The waited-for lanes' pieces decide (which open ticket a number reuses, whether a voicemail
 * joins the ticket's incident): a first-lane piece names its ticket (an accept its call) and a
 * start its caller's number, and no two open transactions hold one key; a first-lane piece handed
 * in with no key is written while no other first-lane piece is. A call's last save is handed to
 * the rest without waiting, unless the rest is behind ({@link #submitOrWaitWhileBehind}).
 *
 * <p>A writer's commit takes the tickets its pieces need at once
 * ({@link Transactions#inOneCommit(List, boolean)}): a piece whose ticket another transaction holds
 * (a frozen node's, a lock taken by hand) is undone and left out, with the commit's later pieces of
 * its call or its key, and written once the others have committed, in a transaction of its own once
 * the ticket is free ({@link #writeApart}). So one held ticket holds up its own caller (who hears
 * the hold prompt and, past {@code line.wait-limit}, the fallback), not every start, urgent message
 * or call's lines written with it or waiting for a writer meanwhile (nor, through a call's lines
 * stuck in such a commit, that call's urgent message).
 *
 * <p>The writers start with the first piece of work (the command line never starts them). After
 * {@link #close()} (the server's stop, once the FastAGI listener has drained) the writers write
 * what waits, and what is handed in meanwhile waits with it, in its lane's order; once they have
 * stopped, work is written on the caller's own thread, so nothing handed in late is dropped.
 */
final class CallJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallJournal.class);
    /**
     * How soon an idle writer looks for work nobody woke it for (the rest lane's pieces: handing
     * one in wakes no writer), and how soon while pieces of the rest wait behind a call being written.
     */
    static final long IDLE_PICKUP_MS = 20;
    static final long REST_PICKUP_MS = 2;
    /** At most this many pieces of the first lane per transaction. */
    static final int MAX_BATCH = 256;
    /**
     * At most this many pieces of the rest per transaction (about 10 ms of H2 work on a quiet core),
     * or a quarter of a longer backlog: what a start handed in meanwhile waits for.
     */
    static final int MAX_REST = 32;
    /**
     * How many pieces of the rest may wait before a call's last save waits for them to shrink
     * ({@link #submitOrWaitWhileBehind}): a few seconds of the rest at 500 callers, a few MB of heap.
     */
    static final int REST_BACKLOG = 2048;
    /**
     * How many rounds of follow-ups {@link #awaitWritten} waits for: the longest chain is an urgent
     * page, its retry, the call's last save.
     */
    static final int FOLLOW_UP_ROUNDS = 4;
    /** The longest a last save waits while the rest is behind. */
    static final long BEHIND_WAIT_MS = 10_000;

    /** Which lane a piece goes in. */
    enum Lane {
        /**
         * A call's start (the ticket it hears, the routing): waited for, and with more than one
         * writer written in commits of its own, never behind an urgent voicemail's incident.
         */
        START,
        /** A caller (or a technician) waits for it: written first, with its call's earlier pieces. */
        WAITED_FOR,
        /** Everything else, in the order handed in. */
        REST
    }

    /**
     * Work that can take in a later piece of its call handed in while it still waits in the rest
     * lane: the two are written as one (a call's progress saved twice before a writer got to it
     * is one update of its row and one batch of its lines, not two).
     */
    interface Joinable extends Function<Stores, Object> {
        /**
         * Takes {@code later} in if it can: then what {@code later} would write is written by this
         * piece, in its place. Called under the journal's lock, never once a writer took this piece.
         */
        boolean join(Joinable later);
    }

    /**
     * A piece of work, the call it belongs to (null: none, or one this node cannot name) and who
     * hears how it went (value, or the failure): more than one when later pieces joined it.
     */
    static final class Entry {
        private final long seq;
        private final String call;
        private final Function<Stores, ?> work;
        /**
         * What a waited-for piece decides on: a start's caller's number, a first-lane piece's ticket
         * (or call); two pieces of one lane with one key are never written at once.
         */
        private final String key;
        /** In the first lane: its key is among the first lane's, not the starts'. */
        private final boolean firstLane;
        private BiConsumer<Object, RuntimeException> done;
        /** Waiting in the rest lane (where a later piece of its call may join it); under the lock. */
        private boolean inRest;

        Entry(long seq, String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
            this(seq, call, null, false, work, done);
        }

        Entry(long seq, String call, String key, boolean firstLane, Function<Stores, ?> work,
                BiConsumer<Object, RuntimeException> done) {
            this.seq = seq;
            this.call = call;
            this.key = key;
            this.firstLane = firstLane;
            this.work = work;
            this.done = done;
        }

        long seq() {
            return seq;
        }

        String call() {
            return call;
        }

        Function<Stores, ?> work() {
            return work;
        }

        BiConsumer<Object, RuntimeException> done() {
            return done;
        }
    }

    private final Transactions tx;
    private final int writerCount;
    private final ArrayDeque<Entry> starts = new ArrayDeque<>();
    private final ArrayDeque<Entry> first = new ArrayDeque<>();
    private final ArrayDeque<Entry> rest = new ArrayDeque<>();
    private final Object lock = new Object();
    private final List<Thread> writers = new ArrayList<>();
    /** How soon a piece set apart ({@link #writeApart}) is first tried again, and the longest interval after. */
    static final long APART_FIRST_RETRY_MS = 10;
    static final long APART_LONGEST_RETRY_MS = 1_000;
    /**
     * How long a piece set apart is tried again at once before it waits for its ticket in a
     * transaction of its own (holding a thread and a pooled connection): past any hold of
     * pagerline's own, and PostgreSQL's end of a frozen node's transaction (30 s).
     */
    static final long APART_RETRY_FOR_MS = 60_000;
    /** How long pieces set apart wait before the log says so: past any hold of pagerline's own. */
    static final long APART_WARN_AFTER_MS = 2_000;
    /** Tries the pieces set apart again; its threads end when idle. */
    private final java.util.concurrent.ScheduledThreadPoolExecutor apartWriters;
    /** The calls and the keys ({@link #apartKey}) of pieces set apart and not yet written, counted. */
    private final java.util.Map<String, Integer> apartCalls = new java.util.HashMap<>();
    private final java.util.Map<String, Integer> apartKeys = new java.util.HashMap<>();
    /** Pieces set apart and not yet written; of them, the first lane's (a first-lane piece with no key waits for them). */
    private int apartPending;
    private int firstApartPending;
    /** Of them, first-lane pieces with no key: no other first-lane piece is written until they are. */
    private int firstUnkeyedApart;
    /** The calls with a piece in a writer's transaction now: their next pieces wait for it. */
    private final Set<String> callsBeingWritten = new HashSet<>();
    /** The keys of the starts in writers' transactions now: a start with one of them waits. */
    private final Set<String> keysBeingWritten = new HashSet<>();
    /** The keys of the first lane's pieces in writers' transactions now (tickets): a piece with one of them waits. */
    private final Set<String> firstKeysBeingWritten = new HashSet<>();
    /** The sequence numbers of the pieces handed in and not yet written (waiting or being written). */
    private final TreeSet<Long> unwritten = new TreeSet<>();
    /** Each call's last piece handed in, while it waits (a later piece may join it only then). */
    private final java.util.Map<String, Entry> lastOfCall = new java.util.HashMap<>();
    /** How many pieces joined an earlier one instead of being written on their own. */
    private long joined;
    /** How many writers' transactions now hold pieces of the first lane (at most {@link #firstLaneWriters}). */
    private int firstWriters;
    /**
     * Whether a writer's transaction now holds pieces of the rest (one writer at a time does, with
     * more than one writer): what is handed in meanwhile goes in its next commit, together.
     */
    private boolean restBeingWritten;
    /** How many writers' transactions now hold starts (at most {@link #START_WRITERS}). */
    private int startWriters;
    /**
     * How many writers may write starts at once, with more than one writer: starts with different
     * keys (callers' numbers) decide nothing together, so two commits of them can run side by side.
     */
    static final int START_WRITERS = 2;
    /**
     * How many writers may write the first lane at once ({@link #CallJournal(Transactions, int, int)}):
     * its pieces decide per ticket (whether an urgent voicemail joins the ticket's incident), so
     * pieces with different keys may go side by side. The server keeps one (README, "The support
     * line under load": a ticket's row stayed locked for minutes in one benchmark run with two, cause
     * not found).
     */
    private final int firstLaneWriters;
    /**
     * Whether a writer's transaction now holds a first-lane piece handed in with no key: it may
     * decide anything, so no other writer takes first-lane pieces meanwhile, and it is taken only
     * while no other writer holds some.
     */
    private boolean firstUnkeyedBeingWritten;
    private boolean closed;
    /** Writers whose loop has not ended: after {@link #close()} they still drain the lanes. */
    private int writersRunning;
    private long handedIn;
    /** How many times a last save waited for the rest's backlog to shrink (tests). */
    private long behindWaits;

    /** One writer: every piece is written in the order its lane hands it over. */
    CallJournal(Transactions tx) {
        this(tx, 1);
    }

    /**
     * @param writers how many transactions may be written at once. More than one: a call's pieces
     *                still commit one after another in their order (a piece waits while an earlier
     *                one of its call is being written), other calls' pieces commit side by side.
     */
    CallJournal(Transactions tx, int writers) {
        this(tx, writers, 1);
    }

    /** @param firstLaneWriters how many of them may write the first lane at once (keys kept apart) */
    CallJournal(Transactions tx, int writers, int firstLaneWriters) {
        if (writers < 1 || writers > 16) {
            throw new IllegalArgumentException("call journal writers 1..16, not " + writers);
        }
        if (firstLaneWriters < 1 || firstLaneWriters > writers) {
            throw new IllegalArgumentException("first-lane writers 1.." + writers + ", not " + firstLaneWriters);
        }
        this.tx = tx;
        this.writerCount = writers;
        this.firstLaneWriters = firstLaneWriters;
        java.util.concurrent.atomic.AtomicInteger named = new java.util.concurrent.atomic.AtomicInteger();
        this.apartWriters = new java.util.concurrent.ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "call-journal-apart-" + named.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.apartWriters.setKeepAliveTime(30, TimeUnit.SECONDS);
        this.apartWriters.allowCoreThreadTimeOut(true);
    }

    /** Hands work in, in the rest lane; it is written after everything handed in before it. Never blocks. */
    void submit(String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        submit(Lane.REST, call, work, done);
    }

    /**
     * Hands work in, in the rest lane, like {@link #submit(String, Function, BiConsumer)}, but first,
     * while more than {@link #REST_BACKLOG} pieces of the rest wait, waits (at most
     * {@link #BEHIND_WAIT_MS}) for a commit to take some: a call's last save, which nobody listens
     * for, so a database that cannot keep up slows the calls' ends instead of filling the heap.
     */
    void submitOrWaitWhileBehind(String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BEHIND_WAIT_MS);
            if (!closed && rest.size() > REST_BACKLOG) {
                behindWaits++;
            }
            while (!closed && rest.size() > REST_BACKLOG) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break; // a writer stuck on the database must not hold the line's threads for ever
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        submit(Lane.REST, call, null, work, done, false);
    }

    /** Hands work in. Never blocks. */
    void submit(Lane lane, String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        submit(lane, call, null, work, done);
    }

    /**
     * Hands work in; {@code key} (a start's: its caller's number) keeps it out of a transaction
     * while another piece with that key is being written. Never blocks.
     */
    void submit(Lane lane, String call, String key, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        submit(lane, call, key, work, done, lane != Lane.REST);
    }

    /**
     * @param waitedFor someone waits for it (every piece of the waited-for lanes, and an awaited
     *                  piece of the rest): wake the writers. The rest's other pieces wake none: an
     *                  idle writer woken on the caller's thread takes the core the line was about to
     *                  answer on (about half a millisecond before each Dial, paced), so the writers
     *                  find them on their own within {@link #IDLE_PICKUP_MS}.
     */
    private void submit(Lane lane, String call, String key, Function<Stores, ?> work,
            BiConsumer<Object, RuntimeException> done, boolean waitedFor) {
        synchronized (lock) {
            // after close() the writers still drain what waits: what comes meanwhile waits with it, in
            // its lane's order; only once they have stopped is it written on this thread
            boolean queue = !closed || writersRunning > 0;
            if (queue && lane == Lane.REST && joined(call, work, done)) {
                if (waitedFor) {
                    lock.notifyAll();
                }
                return;
            }
            // a key orders the waited-for lanes only, each lane's keys on their own
            Entry e = lane == Lane.REST ? new Entry(++handedIn, call, work, done)
                    : new Entry(++handedIn, call, key, lane == Lane.WAITED_FOR, work, done);
            if (queue) {
                while (!closed && writers.size() < writerCount) {
                    Thread t = new Thread(this::loop, "call-journal-" + (writers.size() + 1));
                    t.setDaemon(true);
                    writers.add(t);
                    writersRunning++;
                    t.start();
                }
                unwritten.add(e.seq());
                // a call's pieces leave the rest in their order, so none of them waits there unless
                // its last one does: the rest (up to REST_BACKLOG pieces and more) is looked through
                // under this lock only then
                Entry previous = call == null ? null : lastOfCall.put(call, e);
                boolean inRest = previous != null && previous.inRest;
                if (lane == Lane.START) {
                    if (inRest) {
                        // its earlier pieces in the rest go ahead of it; one still in the first lane
                        // (a resumed call's voicemail) keeps its lane and the start waits for it
                        takeAlong(call, rest, starts);
                    }
                    starts.add(e);
                } else if (lane == Lane.WAITED_FOR) {
                    if (inRest) {
                        takeAlong(call, rest, first);
                    }
                    first.add(e);
                } else {
                    e.inRest = true;
                    rest.add(e);
                }
                if (waitedFor) {
                    lock.notifyAll();
                }
                return;
            }
        }
        // stopped: on this thread (the writers have written everything handed in before)
        write(List.of(new Entry(0, call, work, done)), false);
    }

    /**
     * Under the lock: whether the work joined the call's last piece, still waiting in the rest lane
     * (then its {@code done} hears how that piece went). Only the call's last piece: joining an
     * earlier one would write this work before pieces of the call handed in after that one.
     */
    private boolean joined(String call, Function<Stores, ?> work, BiConsumer<Object, RuntimeException> done) {
        if (call == null || !(work instanceof Joinable later)) {
            return false;
        }
        Entry last = lastOfCall.get(call);
        if (last == null || !last.inRest || !(last.work() instanceof Joinable earlier) || !earlier.join(later)) {
            return false;
        }
        last.done = last.done.andThen(done);
        joined++;
        return true;
    }

    /** How many pieces are handed in and not yet written (tests). */
    int unwrittenPieces() {
        synchronized (lock) {
            return unwritten.size();
        }
    }

    /** Whether {@link #close()} has begun (tests). */
    boolean closing() {
        synchronized (lock) {
            return closed;
        }
    }

    /** How many times a last save waited while the rest was behind (tests). */
    long behindWaits() {
        synchronized (lock) {
            return behindWaits;
        }
    }

    /** How many pieces were written as part of an earlier piece of their call (tests). */
    long joinedPieces() {
        synchronized (lock) {
            return joined;
        }
    }

    /** Moves the call's pieces still waiting in {@code from} to the end of {@code to}, in their order. */
    private static void takeAlong(String call, ArrayDeque<Entry> from, ArrayDeque<Entry> to) {
        for (Iterator<Entry> i = from.iterator(); i.hasNext(); ) {
            Entry r = i.next();
            if (call.equals(r.call())) {
                i.remove();
                r.inRest = false;
                to.add(r);
            }
        }
    }

    /** Hands work in, in the first lane, and waits until it is committed (or failed: then throws what it threw). */
    @SuppressWarnings("unchecked")
    <T> T await(String call, Function<Stores, T> work) {
        return await(Lane.WAITED_FOR, call, work);
    }

    /** Hands work in and waits until it is committed (or failed: then throws what it threw). */
    <T> T await(Lane lane, String call, Function<Stores, T> work) {
        return await(lane, call, null, work);
    }

    /** Hands keyed work in and waits until it is committed (or failed: then throws what it threw). */
    @SuppressWarnings("unchecked")
    <T> T await(Lane lane, String call, String key, Function<Stores, T> work) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        submit(lane, call, key, work, (v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        }, true);
        return (T) join(f);
    }

    /**
     * Waits for a piece's completion ({@link #await}, and the calls' {@link StartingCall} and
     * {@link SavingMessage}); throws what it failed with, unwrapped.
     */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw failure(e.getCause(), e);
        }
    }

    /** What a piece failed with, to throw as it was: its RuntimeException (an Error is thrown here), else {@code otherwise}. */
    private static RuntimeException failure(Throwable cause, RuntimeException otherwise) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return otherwise;
    }

    /**
     * Waits at most {@code max} for a piece's completion, like {@link #join(CompletableFuture)}:
     * empty if it is not complete by then (it goes on: the support line stops waiting for it at
     * {@code line.wait-limit}), or if it completed with null.
     */
    static <T> java.util.Optional<T> join(CompletableFuture<T> f, Duration max) {
        try {
            return java.util.Optional.ofNullable(f.get(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            throw failure(e.getCause(), new IllegalStateException(e.getCause()));
        }
    }

    /**
     * Waits until everything handed in so far is written (tests, the benchmark between runs), and
     * then what was handed in meanwhile, a few rounds (a piece's completion may hand in a follow-up:
     * a late start's end, an urgent page's retry, a call's last save after its message or page), so
     * that follow-ups of what it waited for are written too even while other work keeps coming.
     * False if it took longer than {@code max}.
     */
    boolean awaitWritten(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            long target = handedIn;
            int rounds = 0;
            while (true) {
                if (unwritten.isEmpty() || unwritten.first() > target) {
                    if (target == handedIn || ++rounds > FOLLOW_UP_ROUNDS) {
                        return true;
                    }
                    target = handedIn; // all of the earlier written: now what came meanwhile
                    continue;
                }
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
        }
    }

    private void loop() {
        List<Entry> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            int lanes;
            synchronized (lock) {
                while (true) {
                    lanes = take(batch);
                    if (!batch.isEmpty()) {
                        firstWriters += (lanes & FIRST) != 0 ? 1 : 0;
                        firstUnkeyedBeingWritten |= (lanes & FIRST_UNKEYED) != 0;
                        restBeingWritten |= (lanes & REST) != 0;
                        startWriters += (lanes & STARTS) != 0 ? 1 : 0;
                        break;
                    }
                    if (closed && starts.isEmpty() && first.isEmpty() && rest.isEmpty() && apartPending == 0) {
                        writersRunning--; // under the lock: a piece handed in from now on is written by its caller
                        return;
                    }
                    try {
                        lock.wait(rest.isEmpty() || restBeingWritten ? IDLE_PICKUP_MS : REST_PICKUP_MS);
                    } catch (InterruptedException e) {
                        // only the stop interrupts, and it waits for the lanes to drain first
                        Thread.currentThread().interrupt();
                        writersRunning--;
                        return;
                    }
                }
            }
            List<Entry> apart = List.of();
            try {
                apart = write(batch, true);
            } finally {
                synchronized (lock) {
                    for (Entry e : apart) {
                        setApart(e); // first: the batch's other pieces of its call or key must not let them go
                    }
                    for (Entry e : batch) {
                        if (!apart.contains(e)) { // a few at most; an entry is equal to itself alone
                            written(e);
                        }
                    }
                    if ((lanes & FIRST) != 0) {
                        firstWriters--;
                    }
                    if ((lanes & FIRST_UNKEYED) != 0) {
                        firstUnkeyedBeingWritten = false;
                    }
                    if ((lanes & REST) != 0) {
                        restBeingWritten = false;
                    }
                    if ((lanes & STARTS) != 0) {
                        startWriters--;
                    }
                    lock.notifyAll();
                }
                batch.clear();
            }
            if (!apart.isEmpty()) {
                writeApart(apart);
            }
        }
    }

    /**
     * Under the lock: a piece is written (or failed); its call's and its key's next pieces may go,
     * unless a piece of the same call or key is still to be written apart.
     */
    private void written(Entry e) {
        unwritten.remove(e.seq());
        if (e.call() != null) {
            lastOfCall.remove(e.call(), e);
            if (!apartCalls.containsKey(e.call())) {
                callsBeingWritten.remove(e.call());
            }
        }
        if (e.key != null && !apartKeys.containsKey(apartKey(e))) {
            (e.firstLane ? firstKeysBeingWritten : keysBeingWritten).remove(e.key);
        }
    }

    /** A piece's key as {@link #apartKeys} counts it: each waited-for lane's keys on their own. */
    private static String apartKey(Entry e) {
        return (e.firstLane ? "first lane: " : "start: ") + e.key;
    }

    /** Under the lock: the piece is to be written apart; its call and key stay held until it is. */
    private void setApart(Entry e) {
        apartPending++;
        if (e.firstLane) {
            firstApartPending++;
            firstUnkeyedApart += e.key == null ? 1 : 0;
        }
        if (e.call() != null) {
            apartCalls.merge(e.call(), 1, Integer::sum);
        }
        if (e.key != null) {
            apartKeys.merge(apartKey(e), 1, Integer::sum);
        }
    }

    /** Under the lock: a piece set apart is written (or failed). */
    private void writtenApart(Entry e) {
        apartPending--;
        if (e.firstLane) {
            firstApartPending--;
            firstUnkeyedApart -= e.key == null ? 1 : 0;
        }
        if (e.call() != null) {
            apartCalls.computeIfPresent(e.call(), (k, n) -> n > 1 ? n - 1 : null);
        }
        if (e.key != null) {
            apartKeys.computeIfPresent(apartKey(e), (k, n) -> n > 1 ? n - 1 : null);
        }
        written(e);
    }

    /**
     * Writes the pieces a commit left out because a ticket they needed was held by another
     * transaction ({@link #setApartWhenLocked}), off the writer that left them out (it goes back to
     * the lanes). Pieces of one call or one key are written one after the other, in their order;
     * unrelated ones each on their own (one caller's ticket held by a frozen node must not hold up
     * another's, held for a moment). Each is tried again at once, in a transaction of its own, after
     * {@link #APART_FIRST_RETRY_MS} and at doubling intervals up to {@link #APART_LONGEST_RETRY_MS},
     * holding neither a thread nor a connection in between; after {@link #APART_RETRY_FOR_MS} it
     * waits for its ticket as any transaction would. Until each is written, its call's and its key's
     * next pieces wait, as for any piece being written.
     */
    private void writeApart(List<Entry> apart) {
        // usually a ticket this node's own engines or other lanes hold for a moment: said only if it lasts
        log.debug("call journal: {} piece(s) of call(s) {} need a ticket another transaction holds; written on their own"
                + " once it is free", apart.size(), apart.stream().map(Entry::call).distinct().toList());
        for (List<Entry> group : related(apart)) {
            tryApartLater(new ApartGroup(group), 0, APART_FIRST_RETRY_MS);
        }
    }

    /** Pieces set apart that are written one after the other ({@link #related}), and since when. */
    private static final class ApartGroup {
        final List<Entry> pieces;
        final long since = System.nanoTime();
        final long deadline = since + TimeUnit.MILLISECONDS.toNanos(APART_RETRY_FOR_MS);
        /** Whether the log has said they wait (once they waited {@link #APART_WARN_AFTER_MS}). */
        boolean told;

        ApartGroup(List<Entry> pieces) {
            this.pieces = pieces;
        }

        String calls() {
            return pieces.stream().map(Entry::call).distinct().toList().toString();
        }

        long waitedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        }
    }

    /** Tries the group's pieces from {@code next} on after {@code delayMs} ({@link #tryApart}). */
    private void tryApartLater(ApartGroup group, int next, long delayMs) {
        try {
            apartWriters.schedule(() -> tryApart(group, next, delayMs), delayMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException | Error e) { // NOPMD: stopped (or no thread to be had): written here, waiting for the rows
            writeApartWaiting(group, next);
        }
    }

    /**
     * Writes the group's pieces from {@code next} on, each at once; the first still finding its
     * ticket held is tried again later, at twice the delay, until the deadline, then waits for it.
     */
    private void tryApart(ApartGroup group, int next, long delayMs) {
        for (int i = next; i < group.pieces.size(); i++) {
            Entry e = group.pieces.get(i);
            if (System.nanoTime() - group.deadline >= 0) {
                log.warn("call journal: the pieces of call(s) {} still find a ticket held after {} ms; now waiting for it",
                        group.calls(), group.waitedMs());
                writeApartWaiting(group, i);
                return;
            }
            boolean stillHeld;
            try {
                stillHeld = !write(List.of(e), true).isEmpty();
            } catch (RuntimeException | Error t) { // NOPMD: write() reports a commit's failure to its pieces; this is anything else
                stillHeld = false;
                log.error("call journal: a piece written apart failed: {}", t.toString(), t);
            }
            if (stillHeld) {
                if (!group.told && group.waitedMs() >= APART_WARN_AFTER_MS) {
                    group.told = true;
                    log.warn("call journal: {} piece(s) of call(s) {} have waited {} ms for a ticket another transaction"
                            + " holds (a frozen node? a lock taken by hand?); their callers wait with them",
                            group.pieces.size() - i, group.calls(), group.waitedMs());
                }
                tryApartLater(group, i, Math.min(APART_LONGEST_RETRY_MS, delayMs * 2));
                return;
            }
            writtenApartNow(e);
        }
        if (group.told) {
            log.warn("call journal: the pieces of call(s) {} were written after waiting {} ms for their ticket", group.calls(),
                    group.waitedMs());
        }
    }

    /** Writes the group's pieces from {@code next} on, each waiting for its rows (the last resort). */
    private void writeApartWaiting(ApartGroup group, int next) {
        for (int i = next; i < group.pieces.size(); i++) {
            try {
                write(List.of(group.pieces.get(i)), false);
            } finally {
                writtenApartNow(group.pieces.get(i));
            }
        }
    }

    private void writtenApartNow(Entry e) {
        synchronized (lock) {
            writtenApart(e);
            lock.notifyAll();
        }
    }

    /**
     * The pieces in groups that share a call or a key (transitively), each group in the pieces'
     * order; and every first-lane piece in one group if one of them has no key (it is written while
     * no other first-lane piece is).
     */
    private static List<List<Entry>> related(List<Entry> pieces) {
        int[] group = new int[pieces.size()];
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        boolean unkeyedFirst = pieces.stream().anyMatch(e -> e.firstLane && e.key == null);
        for (int i = 0; i < pieces.size(); i++) {
            group[i] = i;
            Entry e = pieces.get(i);
            for (String name : new String[] {e.call() == null ? null : "call: " + e.call(), e.key == null ? null : apartKey(e),
                    unkeyedFirst && e.firstLane ? "first lane" : null}) {
                if (name == null) {
                    continue;
                }
                Integer other = seen.putIfAbsent(name, i);
                if (other != null) {
                    int from = root(group, i);
                    int to = root(group, other);
                    group[Math.max(from, to)] = Math.min(from, to);
                }
            }
        }
        java.util.Map<Integer, List<Entry>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            out.computeIfAbsent(root(group, i), k -> new ArrayList<>()).add(pieces.get(i));
        }
        return List.copyOf(out.values());
    }

    private static int root(int[] group, int i) {
        while (group[i] != i) {
            i = group[i];
        }
        return i;
    }

    /** Lanes a batch holds pieces of (see {@link #take}). */
    private static final int STARTS = 1;
    private static final int FIRST = 2;
    private static final int REST = 4;
    /** With {@link #FIRST}: the batch holds a first-lane piece with no key. */
    private static final int FIRST_UNKEYED = 8;

    /**
     * Under the lock: fills {@code batch} for one commit and says which of the waited-for lanes it
     * holds pieces of ({@link #STARTS}, {@link #FIRST}). With one writer, the starts and whatever
     * waits in the first lane go ahead of a bounded share of the rest, so the rest is never held
     * back by them. With more, a commit takes one lane: the starts if fewer than
     * {@link #START_WRITERS} writers hold some, else the first lane if fewer than
     * {@code firstLaneWriters} do, else the rest. So a start never waits while a commit writes an urgent voicemail's incident or other
     * calls' lines (at 500 urgent callers its wait went from p50 about 900 ms to about 110 ms;
     * README, "The support line under load").
     *
     * <p>No two decisions race in two open transactions: two starts of one caller's number (which
     * open ticket it reuses) are never written at once, nor two first-lane pieces of one key (an
     * urgent voicemail's ticket, an accept's call), nor a first-lane piece with no key beside any
     * other; and a call's pieces are never taken while an
     * earlier one of the same call is being written or still waits (they keep their place).
     */
    private int take(List<Entry> batch) {
        Set<String> mine = new HashSet<>();
        Set<String> held = new HashSet<>();
        int lanes = 0;
        // the waited-for lanes never hold every writer: the rest (where the calls' last saves wait
        // when it is behind) always has one
        boolean room = writerCount == 1 || startWriters + firstWriters < writerCount - 1;
        if (room && startWriters < (writerCount == 1 ? 1 : START_WRITERS)) {
            // a start waits for its call's earlier pieces still in the first lane (a resumed call's)
            takeFrom(starts, MAX_BATCH, batch, mine, new HashSet<>(), earliest(first), keysBeingWritten, false);
            lanes |= batch.isEmpty() ? 0 : STARTS;
        }
        if (writerCount == 1 || batch.isEmpty()) {
            int before = batch.size();
            if (room && firstWriters < firstLaneWriters && !firstUnkeyedBeingWritten && firstUnkeyedApart == 0) {
                // and a first-lane piece for its call's earlier start still waiting
                takeFrom(first, MAX_BATCH, batch, mine, held, earliest(starts), firstKeysBeingWritten,
                        firstWriters > 0 || firstApartPending > 0);
                lanes |= batch.size() > before ? FIRST : 0;
                for (int i = before; i < batch.size(); i++) {
                    // not a call's earlier lines taken along with its piece: they decide nothing
                    lanes |= batch.get(i).firstLane && batch.get(i).key == null ? FIRST_UNKEYED : 0;
                }
            }
            heldBy(first, held);
        }
        heldBy(starts, held); // the rest of a call comes after its start and first-lane pieces
        if (batch.size() < MAX_BATCH && (writerCount == 1 || batch.isEmpty() && !restBeingWritten)) {
            int maxRest = batch.isEmpty() ? Math.min(MAX_BATCH, Math.max(MAX_REST, rest.size() / 4)) : MAX_REST;
            int before = batch.size();
            takeFrom(rest, batch.size() + maxRest, batch, mine, held, java.util.Map.of(), keysBeingWritten, false);
            lanes |= batch.size() > before ? REST : 0;
        }
        callsBeingWritten.addAll(mine);
        return lanes;
    }

    /** The lowest sequence number waiting in {@code lane}, by call. */
    private static java.util.Map<String, Long> earliest(ArrayDeque<Entry> lane) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (Entry e : lane) {
            if (e.call() != null) {
                out.merge(e.call(), e.seq(), Math::min);
            }
        }
        return out;
    }

    /** Adds the calls with a piece waiting in {@code lane} (not taken, or held) to {@code held}. */
    private static void heldBy(ArrayDeque<Entry> lane, Set<String> held) {
        for (Entry e : lane) {
            if (e.call() != null) {
                held.add(e.call());
            }
        }
    }

    /**
     * Takes pieces of {@code lane} in their order, leaving those whose call is being written,
     * held, or has an earlier piece waiting in another lane ({@code earlierElsewhere}: the lowest
     * sequence number waiting there, by call), and the call's later pieces with them; and a piece
     * whose key is in another writer's transaction ({@code keysWritten}: the lane's), and the later
     * pieces with that key (two pieces with one key may share this batch: one transaction writes
     * them in order); and, with {@code unkeyedWait} (another writer holds first-lane pieces), a
     * first-lane piece with no key.
     */
    private void takeFrom(ArrayDeque<Entry> lane, int upTo, List<Entry> batch, Set<String> mine, Set<String> held,
            java.util.Map<String, Long> earlierElsewhere, Set<String> keysWritten, boolean unkeyedWait) {
        Set<String> heldKeys = new HashSet<>();
        Set<String> myKeys = new HashSet<>();
        for (Iterator<Entry> i = lane.iterator(); i.hasNext() && batch.size() < upTo; ) {
            Entry e = i.next();
            String call = e.call();
            boolean callWaits = call != null && (callsBeingWritten.contains(call) || held.contains(call)
                    || earlierElsewhere.getOrDefault(call, Long.MAX_VALUE) < e.seq());
            boolean keyWaits = e.key != null ? keysWritten.contains(e.key) || heldKeys.contains(e.key)
                    : unkeyedWait && e.firstLane;
            if (callWaits || keyWaits) {
                if (call != null) {
                    held.add(call);
                }
                if (e.key != null) {
                    heldKeys.add(e.key);
                }
                continue;
            }
            i.remove();
            e.inRest = false;
            batch.add(e);
            if (call != null) {
                mine.add(call);
            }
            if (e.key != null) {
                myKeys.add(e.key);
            }
        }
        keysWritten.addAll(myKeys);
    }

    /**
     * Writes the batch in one commit and tells each piece how it went. With {@code ticketsAtOnce}
     * (a writer's commit, many callers' work) a piece needing a ticket another transaction holds is
     * left out, with its call's and its key's later pieces in the batch, rather than hold up the
     * others: returned, to be written apart.
     */
    private List<Entry> write(List<Entry> batch, boolean ticketsAtOnce) {
        List<Transactions.Result> results;
        try {
            results = ticketsAtOnce ? tx.inOneCommit(setApartWhenLocked(batch), true)
                    : tx.inOneCommit(batch.stream().<Function<Stores, ?>>map(Entry::work).toList());
        } catch (RuntimeException | Error e) { // NOPMD: the writer must outlive any one batch
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            results = batch.stream().map(x -> new Transactions.Result(null, failure)).toList();
        }
        List<Entry> apart = new ArrayList<>(0);
        for (int i = 0; i < batch.size(); i++) {
            RuntimeException failure = results.get(i).failure();
            if (ticketsAtOnce && (failure instanceof TicketLockedException || failure instanceof SetApart)) {
                apart.add(batch.get(i));
                continue;
            }
            try {
                batch.get(i).done().accept(results.get(i).value(), results.get(i).failure());
            } catch (RuntimeException | Error e) { // NOPMD: the batch's other callers must still hear, and the writer live on
                log.error("call journal: a completion failed: {}", e.toString(), e);
            }
        }
        return apart;
    }

    /** A piece not run because an earlier one of its call or its key in the commit was set apart. */
    private static final class SetApart extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetApart() {
            super("set apart after an earlier piece of its call or key", null, false, false);
        }
    }

    /**
     * The batch's work for a commit that locks tickets at once: a piece that finds its ticket held
     * by another transaction fails ({@link TicketLockedException}) and is undone; the batch's later
     * pieces of its call or with its key then do not run ({@link SetApart}), so they are written
     * after it, in order, as they would have been.
     */
    private static List<Function<Stores, ?>> setApartWhenLocked(List<Entry> batch) {
        Set<String> calls = new HashSet<>();
        Set<String> keys = new HashSet<>();
        List<Function<Stores, ?>> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Entry e = batch.get(i);
            boolean first = i == 0;
            String key = e.key == null ? null : apartKey(e);
            out.add(s -> {
                if (first) { // the commit is run from its start (again, after a deadlock): nothing set apart yet
                    calls.clear();
                    keys.clear();
                }
                try {
                    if (e.call() != null && calls.contains(e.call()) || key != null && keys.contains(key)) {
                        throw new SetApart();
                    }
                    return e.work().apply(s);
                } catch (TicketLockedException | SetApart apart) { // and so are the batch's later pieces of its call and key
                    if (e.call() != null) {
                        calls.add(e.call());
                    }
                    if (key != null) {
                        keys.add(key);
                    }
                    throw apart;
                }
            });
        }
        return out;
    }

    /** Writes what is waiting, then stops the thread; later work is written on its caller's thread. */
    @Override
    public void close() {
        List<Thread> ts;
        synchronized (lock) {
            closed = true;
            ts = List.copyOf(writers);
            lock.notifyAll();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : ts) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("call journal: still writing after 30 s; stopping without waiting");
                return;
            }
        }
        apartWriters.shutdown(); // the writers stopped once nothing was left apart: no more come
    }
}
