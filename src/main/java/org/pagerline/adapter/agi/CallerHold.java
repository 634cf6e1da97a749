package org.pagerline.adapter.agi;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
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
    /** From one hold prompt's start to the next's, at most. */
    static final Duration REPEAT = Duration.ofSeconds(4);

    private CallerHold() {
    }

    /**
     * What {@code upTo} waits for, for at most {@code line.wait-limit} in all from {@code since}.
     *
     * @param at    what the caller waits for, as {@code pagerline_caller_holds_total} names it ("start", "message")
     * @param since when the wait began ({@link System#nanoTime()})
     * @param upTo  waits at most the given time: the result, or empty if not there yet; throws what the work threw
     */
    static <T> T await(AgiLine line, LineConfig config, CallService calls, String at, long since,
            Function<Duration, Optional<T>> upTo) throws AgiException {
        long limit = config.waitLimit().toNanos();
        boolean held = false;
        try {
            Optional<T> got = upTo.apply(Duration.ofNanos(Math.max(0,
                    Math.min(config.holdAfter().toNanos(), limit) - (System.nanoTime() - since))));
            long nextPrompt = since + config.holdAfter().toNanos();
            while (got.isEmpty()) {
                long now = System.nanoTime();
                long left = limit - (now - since);
                if (left <= 0 || Thread.currentThread().isInterrupted()) { // interrupted: the server is stopping
                    if (held) {
                        calls.callerHeld(at, "fallback");
                    }
                    throw new WaitedTooLong(at, config.waitLimit());
                }
                if (now >= nextPrompt && left >= LineConfig.HOLD_PROMPT.toNanos()) {
                    nextPrompt = now + REPEAT.toNanos();
                    line.play(Prompt.ONE_MOMENT); // the work goes on meanwhile
                    held = true;
                    got = upTo.apply(Duration.ZERO);
                    continue;
                }
                // until the next prompt, or (too little time left for one) until the limit
                got = upTo.apply(Duration.ofNanos(now >= nextPrompt ? left : Math.min(nextPrompt - now, left)));
            }
            if (held) {
                calls.callerHeld(at, "served");
            }
            return got.get();
        } catch (AgiHangupException e) {
            if (held) {
                calls.callerHeld(at, "hung_up");
            }
            throw e;
        } catch (AgiException | RuntimeException e) {
            if (held && !(e instanceof WaitedTooLong)) {
                calls.callerHeld(at, "fallback"); // the work failed, or the line did: the fallback takes them
            }
            throw e;
        }
    }

    /** The line gave up waiting on its own work for a caller: the dialplan's fallback voicemail takes them. */
    static final class WaitedTooLong extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WaitedTooLong(String at, Duration limit) {
            super((at.equals("start") ? "the call's start (its ticket)" : "the caller's message")
                    + " was not written within " + limit.toMillis() + " ms (line.wait-limit)", null, false, false);
        }
    }
}
