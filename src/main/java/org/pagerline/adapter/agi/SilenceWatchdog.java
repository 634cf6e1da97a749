package org.pagerline.adapter.agi;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.asteriskjava.util.SocketConnectionFacade;
import org.pagerline.service.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes FastAGI connections whose peer has gone quiet when it owes us something. asterisk-java
 * gives each connection a thread and would wait on it forever, so idle sockets could fill
 * {@code agi.max-calls} and real calls be refused. What counts as too quiet depends on whose turn
 * it is, so this is not a socket read timeout:
 *
 * <ul>
 *   <li>from connect to the blank line ending the {@code agi_*} environment: {@code agi.environment-timeout}
 *       in all (a client trickling a line at a time gains nothing);
 *   <li>after a command, until its reply: {@code agi.reply-timeout} (longer than any prompt plays),
 *       plus the command's own limit where it has one ({@code RECORD FILE}'s maximum length,
 *       {@code GET DATA}'s and {@code WAIT FOR DIGIT}'s timeout); for {@code EXEC} (a Dial to a
 *       technician or a queue wait can last an hour, and ends with a reply or a hang-up when
 *       Asterisk is done) and a wait with no limit (-1), {@link #LONGEST_WAIT_NANOS}: only a
 *       peer that vanished without closing (its host lost) is that silent;
 *   <li>while pagerline itself is working between commands: none.
 * </ul>
 *
 * One daemon thread sweeps the live connections a few times a second; closing a connection ends
 * its blocked read, so asterisk-java's thread for it is freed.
 */
final class SilenceWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SilenceWatchdog.class);
    /** No deadline. */
    static final long NONE = Long.MAX_VALUE;
    /**
     * The longest Asterisk may take over a command with no limit of its own (an EXEC, a wait with
     * none): 3 hours, the socket read timeout asterisk-java would set. The listener reads with no
     * socket timeout, so this is what frees the thread of a call whose peer vanished mid-Dial.
     */
    static final long LONGEST_WAIT_NANOS = TimeUnit.HOURS.toNanos(3);
    private final long environmentNanos;
    private final long replyNanos;
    private final LongSupplier nanoTime;
    private final Set<Watched> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;

    SilenceWatchdog(Duration environmentTimeout, Duration replyTimeout) {
        this(environmentTimeout, replyTimeout, System::nanoTime);
    }

    /** With the clock the deadlines are read on (tests move their own). */
    SilenceWatchdog(Duration environmentTimeout, Duration replyTimeout, LongSupplier nanoTime) {
        this.environmentNanos = environmentTimeout.toNanos();
        this.replyNanos = replyTimeout.toNanos();
        this.nanoTime = nanoTime;
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agi-watchdog");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(20, Math.min(1000, environmentTimeout.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** {@code c} watched from now on, its environment due within agi.environment-timeout. */
    SocketConnectionFacade watch(SocketConnectionFacade c) {
        Watched w = new Watched(c, nanoTime.getAsLong() + environmentNanos);
        live.add(w);
        return w;
    }

    /** Connections watched right now (open and not yet closed by anyone). */
    int watched() {
        return live.size();
    }

    void sweep() {
        long now = nanoTime.getAsLong();
        for (Watched w : live) {
            long due = w.deadline;
            if (due != NONE && now - due > 0) {
                w.expire();
            }
        }
    }

    /**
     * How long Asterisk may take to answer this command line, beyond which it has gone silent.
     * Runs on every command the line sends, so it reads the words where they are, allocating
     * nothing for the commands that carry no time (a regular expression splitting each line was a
     * tenth of the FastAGI threads' own time at 500 callers, a list of its words 6 %). NONE: no
     * limit of the command's own ({@link #LONGEST_WAIT_NANOS} then holds).
     */
    long replyAllowance(String command) {
        int s0 = skipSpace(command, 0);
        if (s0 >= command.length()) {
            return replyNanos;
        }
        int e0 = wordEnd(command, s0);
        int s1 = skipSpace(command, e0);
        int e1 = wordEnd(command, s1);
        if (is(command, s0, e0, "EXEC")) {
            return NONE;
        }
        if (is(command, s0, e0, "RECORD") && is(command, s1, e1, "FILE")) {
            return plus(millisAt(command, e1, 4)); // RECORD FILE name format escape timeout ...
        }
        if (is(command, s0, e0, "GET") && is(command, s1, e1, "DATA")
                || is(command, s0, e0, "WAIT") && is(command, s1, e1, "FOR")) {
            return plus(millisAt(command, e1, 2)); // GET DATA file timeout max / WAIT FOR DIGIT timeout
        }
        return replyNanos;
    }

    private static int skipSpace(String line, int i) {
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int wordEnd(String line, int i) {
        while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether the word from {@code start} to {@code end} is {@code word}, in any case. */
    private static boolean is(String line, int start, int end, String word) {
        return end - start == word.length() && line.regionMatches(true, start, word, 0, word.length());
    }

    /** The reply limit and {@code millis} more; none for a negative or a limit too large to add. */
    private long plus(long millis) {
        long more = TimeUnit.MILLISECONDS.toNanos(millis);
        return millis < 0 || more >= NONE - replyNanos ? NONE : replyNanos + more;
    }

    /**
     * The number that is the {@code k}-th word after {@code from} (quotes ignored): 0 when there is
     * none or it is not a number.
     */
    private static long millisAt(String line, int from, int k) {
        int start = from;
        int end = from;
        for (int i = 0; i < k; i++) {
            start = skipSpace(line, end);
            end = wordEnd(line, start);
        }
        if (start >= end) {
            return 0;
        }
        try {
            return Long.parseLong(line.substring(start, end).replace("\"", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    private long lastWarn = Long.MIN_VALUE;
    private long unlogged;

    /** One warning a minute at most, with a count: a flood of idle sockets must not flood the log. */
    private synchronized void closedOne(InetAddress from, String waitingFor) {
        long now = nanoTime.getAsLong();
        if (lastWarn != Long.MIN_VALUE && now - lastWarn < TimeUnit.MINUTES.toNanos(1)) {
            unlogged++;
            log.debug("FastAGI connection from {} closed: silent while waiting for {}", from, LogText.of(waitingFor));
            return;
        }
        log.warn("FastAGI connection from {} closed: silent while waiting for {}{}", from, LogText.of(waitingFor),
                unlogged == 0 ? "" : " (and " + unlogged + " more since the last such line)");
        lastWarn = now;
        unlogged = 0;
    }

    /** One connection and whose turn it is. */
    private final class Watched implements SocketConnectionFacade {
        private final SocketConnectionFacade inner;
        /** Set by the connection's own thread on each state change; read by the sweeper. NONE: no deadline. */
        private volatile long deadline;
        private volatile boolean environmentDone;
        /** The command line whose reply is awaited; null: the AGI environment. */
        private volatile String waitingFor;
        private String pending;

        Watched(SocketConnectionFacade inner, long deadline) {
            this.inner = inner;
            this.deadline = deadline;
        }

        @Override
        public String readLine() throws IOException {
            String line = inner.readLine();
            if (line == null) {
                return null;
            }
            if (!environmentDone) {
                if (line.isEmpty()) {
                    environmentDone = true;
                    deadline = NONE; // pagerline's turn
                }
            } else if (deadline != NONE && !line.startsWith("520-")) {
                deadline = NONE; // the reply is in (a "520-" usage text goes on to its last line)
            }
            return line;
        }

        @Override
        public void write(String s) throws IOException {
            pending = pending == null ? s : pending + s;
            inner.write(s);
        }

        @Override
        public void flush() throws IOException {
            String command = pending;
            pending = null;
            if (command != null && environmentDone) {
                long allowance = replyAllowance(command);
                waitingFor = command; // "the reply to ..." is written only if the connection goes silent
                deadline = nanoTime.getAsLong() + (allowance == NONE ? LONGEST_WAIT_NANOS : allowance);
            }
            inner.flush();
        }

        void expire() {
            if (!live.remove(this)) {
                return;
            }
            String command = waitingFor;
            closedOne(getRemoteAddress(), command == null ? "its AGI environment" : "the reply to " + command.trim());
            try {
                inner.close();
            } catch (IOException e) {
                log.debug("closing a silent FastAGI connection: {}", e.toString());
            }
        }

        @Override
        public void close() throws IOException {
            live.remove(this);
            inner.close();
        }

        @Override
        public boolean isConnected() {
            return inner.isConnected();
        }

        @Override
        public InetAddress getLocalAddress() {
            return inner.getLocalAddress();
        }

        @Override
        public int getLocalPort() {
            return inner.getLocalPort();
        }

        @Override
        public InetAddress getRemoteAddress() {
            return inner.getRemoteAddress();
        }

        @Override
        public int getRemotePort() {
            return inner.getRemotePort();
        }
    }
}
