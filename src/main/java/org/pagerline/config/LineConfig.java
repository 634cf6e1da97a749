package org.pagerline.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.pagerline.core.call.Prompt;

/**
 * The support line (FastAGI script "support-line").
 *
 * @param dialTemplate     Dial() target for the on-call technician ({@link DialTemplate}: {number} their E.164
 *                         digits without '+', {phone} with it)
 * @param ringTimeout      how long the technician's phone rings (and they have to accept) before voicemail
 * @param acceptContext    the dialplan subroutine Dial's U() option runs on the technician's leg
 * @param ticketReuseWindow a caller's open ticket updated within this is reused instead of a new one
 * @param queueName        app_queue queue for non-urgent calls in business hours
 * @param queueWaitLimit   longest wait in the queue before the caller is offered a message
 * @param recordingsDir    folder on the Asterisk host where messages are recorded
 * @param callbackDeadline the urgent line's promise: call back within this after the message. Read from
 *                         paging.callback-deadline, the one key for the engine's timer, the ticket and the
 *                         prompt (there is no line.callback-promise any more); only a value a promise prompt
 *                         says is accepted ({@link Prompt#promiseWithin})
 * @param callbackRegions  countries (ISO 3166 codes) a caller may be called back in (line.callback-regions)
 * @param promptTimeout    how long a digit prompt waits for a key
 * @param maxMessage       longest voice message
 * @param deadNodeAfter    how long a node may be silent (its beat unwritten) before another node ends
 *                         its live calls as cut off and pages the urgent callers among them
 * @param holdAfter        a caller waiting on pagerline's own work (the start's commit, the urgent
 *                         message's) longer than this hears "One moment, please" (line.hold-after)
 * @param waitLimit        ... and at this the line gives up on it and the dialplan's fallback voicemail
 *                         takes the caller (line.wait-limit): a database that hangs never holds a
 *                         caller in silence
 */
public record LineConfig(String dialTemplate, Duration ringTimeout, String acceptContext, Duration ticketReuseWindow,
        String queueName, Duration queueWaitLimit, String recordingsDir, Duration callbackDeadline,
        Duration promptTimeout, Duration maxMessage, Set<String> callbackRegions, Duration deadNodeAfter,
        Duration holdAfter, Duration waitLimit) {

    /**
     * The dialplan's fallback voicemail's folder in {@code recordingsDir}
     * (asterisk-dialplan/extensions_pagerline.conf: {@code ${ASTSPOOLDIR}/pagerline/fallback/}).
     */
    public static final String FALLBACK_FOLDER = "fallback";

    /** The key both the support line and the paging engine read the call-back deadline from. */
    public static final String CALLBACK_DEADLINE_KEY = "paging.callback-deadline";


    public static LineConfig from(Settings s) {
        String template = DialTemplate.read(s, "line.dial-template", "PJSIP/{number}@trunk");
        String accept = s.string("line.accept-context", "pagerline-accept");
        String queue = s.string("line.queue-name", "helpdesk");
        for (String[] kv : new String[][] {{"line.accept-context", accept}, {"line.queue-name", queue}}) {
            if (!kv[1].matches("[A-Za-z0-9_.-]+")) {
                throw new ConfigException(kv[0], "'" + kv[1] + "' may use only letters, digits, '_', '.' and '-'");
            }
        }
        String dir = s.string("line.recordings-dir", "/var/spool/asterisk/pagerline");
        if (dir.contains(" ") || dir.endsWith("/")) {
            throw new ConfigException("line.recordings-dir", "'" + dir + "' must have no spaces and no trailing '/'");
        }
        Duration hold = s.duration(HOLD_AFTER_KEY, Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(30));
        return new LineConfig(template,
                positive(s, "line.ring-timeout", Duration.ofSeconds(25), Duration.ofMinutes(5)),
                accept,
                positive(s, "line.ticket-reuse-window", Duration.ofHours(4), Duration.ofDays(30)),
                queue,
                positive(s, "line.queue-wait-limit", Duration.ofMinutes(10), Duration.ofHours(4)),
                dir,
                callbackDeadline(s),
                positive(s, "line.prompt-timeout", Duration.ofSeconds(6), Duration.ofMinutes(1)),
                positive(s, "line.max-message", Duration.ofMinutes(3), Duration.ofMinutes(30)),
                regions(s),
                deadNodeAfter(s),
                hold,
                waitLimit(s, hold));
    }

    static final String HOLD_AFTER_KEY = "line.hold-after";
    static final String WAIT_LIMIT_KEY = "line.wait-limit";
    /**
     * About how long the hold prompt ({@link Prompt#ONE_MOMENT}, 1.85 s) plays: it is not started
     * with less than this left before line.wait-limit, so the line gives up on time.
     */
    public static final Duration HOLD_PROMPT = Duration.ofSeconds(2);

    /**
     * line.wait-limit: 1 s to 2 minutes, and at least line.hold-after ({@code hold}) plus
     * {@link #HOLD_PROMPT} (else the caller would be given up on without hearing that they are held).
     */
    static Duration waitLimit(Settings s, Duration hold) {
        Duration limit = s.duration(WAIT_LIMIT_KEY, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(2));
        if (limit.compareTo(hold.plus(HOLD_PROMPT)) < 0) {
            throw new ConfigException(WAIT_LIMIT_KEY, Settings.shown(limit) + " must be at least " + HOLD_AFTER_KEY + " ("
                    + Settings.shown(hold) + ") plus " + Settings.shown(HOLD_PROMPT) + ", the hold prompt's length");
        }
        return limit;
    }

    /**
     * paging.callback-deadline as the caller hears it: refused unless a promise prompt says exactly
     * that (today only "within 30 minutes"), so the caller is never promised one thing while the
     * engine escalates on another.
     */
    static Duration callbackDeadline(Settings s) {
        Duration d = s.duration(CALLBACK_DEADLINE_KEY, Duration.ofMinutes(30));
        if (Prompt.promiseWithin(d).isEmpty()) {
            throw new ConfigException(CALLBACK_DEADLINE_KEY, d.toMinutes() + " minutes is not what the support line tells"
                    + " urgent callers (" + Prompt.PROMISE_30_MINUTES.file() + ": '" + Prompt.PROMISE_30_MINUTES.text()
                    + "'); use 30m, or add a prompt that says the new deadline");
        }
        return d;
    }

    /**
     * line.dead-node-after: at least 2 s (each node beats at a sixth of it, and a shorter silence
     * is a collector's pause, not a dead node), at most 10 minutes.
     */
    static Duration deadNodeAfter(Settings s) {
        return s.duration("line.dead-node-after", Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMinutes(10));
    }

    private static Set<String> regions(Settings s) {
        String key = "line.callback-regions";
        Set<String> out = new TreeSet<>();
        Set<String> known = Set.of(Locale.getISOCountries());
        for (String part : s.string(key, "CA,US").split(",")) {
            String r = part.trim().toUpperCase(Locale.ROOT);
            if (r.isEmpty()) {
                continue;
            }
            if (!known.contains(r)) {
                throw new ConfigException(key, "'" + part.trim() + "' is not a two-letter country code (e.g. CA, US)");
            }
            out.add(r);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, "must name at least one country (e.g. CA,US)");
        }
        return Set.copyOf(out);
    }

    private static Duration positive(Settings s, String key, Duration dflt, Duration max) {
        Duration d = s.duration(key, dflt);
        if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            throw new ConfigException(key, d + " is out of range (more than zero, at most " + max + ")");
        }
        return d;
    }

    /** The Dial() target for a technician's E.164 number. */
    public String dialTarget(String e164) {
        return DialTemplate.expand(dialTemplate, e164);
    }
}
