package org.pagerline.adapter.agi;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.asteriskjava.fastagi.AgiException;
import org.pagerline.config.LineConfig;
import org.pagerline.core.call.Prompt;
import org.pagerline.service.CallService;

/**
 * A caller waiting on this node's own work: their call's start being committed after the greeting,
 * an urgent message with its incident after the ticket number. Usually a few milliseconds. Past
 * {@code line.hold-after} the caller hears "One moment, please", again every {@link #REPEAT}, so
 * the line never sounds dead; at {@code line.wait-limit} the line gives up on it
 * ({@link WaitedTooLong}) and the dialplan's fallback voicemail takes the caller: a database that
 * hangs (a lock held, a lost connection to PostgreSQL) never holds a caller in silence.
 */
final class CallerHold {
    /** From one hold prompt's start to the next's, at most (the prompt itself plays about 2 s). */
    static final Duration REPEAT = Duration.ofSeconds(4);

    private CallerHold() {
    }

    /**
     * What {@code upTo} waits for, for at most {@code line.wait-limit} in all.
     *
     * @param at   what the caller waits for, as {@code pagerline_caller_holds_total} names it ("start", "message")
     * @param upTo waits at most the given time: the result, or empty if not there yet
     */
    static <T> T await(AgiLine line, LineConfig config, CallService calls, String at, Function<Duration, Optional<T>> upTo)
            throws AgiException {
        long started = System.nanoTime();
        Optional<T> got = upTo.apply(config.holdAfter());
        boolean held = false;
        while (got.isEmpty()) {
            long left = config.waitLimit().toNanos() - (System.nanoTime() - started);
            if (left <= 0) {
                calls.callerHeld(at, false);
                throw new WaitedTooLong(at, config.waitLimit());
            }
            long promptStarted = System.nanoTime();
            line.play(Prompt.ONE_MOMENT); // the work goes on meanwhile
            held = true;
            long untilNext = REPEAT.toNanos() - (System.nanoTime() - promptStarted);
            left = config.waitLimit().toNanos() - (System.nanoTime() - started);
            got = upTo.apply(Duration.ofNanos(Math.max(0, Math.min(untilNext, left))));
        }
        if (held) {
            calls.callerHeld(at, true);
        }
        return got.get();
    }

    /** The line gave up waiting on its own work for a caller: the dialplan's fallback voicemail takes them. */
    static final class WaitedTooLong extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String at;

        WaitedTooLong(String at, Duration limit) {
            super((at.equals("start") ? "the call's start (its ticket)" : "the caller's message")
                    + " was not written within " + limit.toMillis() + " ms (line.wait-limit)", null, false, false);
            this.at = at;
        }

        /** What the caller waited for ("start", "message"). */
        String at() {
            return at;
        }
    }
}
