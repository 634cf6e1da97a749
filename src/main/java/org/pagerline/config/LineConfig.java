package org.pagerline.config;

import java.time.Duration;

/**
 * The support line (FastAGI script "support-line").
 *
 * @param dialTemplate     Dial() target for the on-call technician; {number} becomes their E.164 number
 * @param ringTimeout      how long the technician's phone rings (and they have to accept) before voicemail
 * @param acceptContext    the dialplan subroutine Dial's U() option runs on the technician's leg
 * @param ticketReuseWindow a caller's open ticket updated within this is reused instead of a new one
 * @param queueName        app_queue queue for non-urgent calls in business hours
 * @param queueWaitLimit   longest wait in the queue before the caller is offered a message
 * @param recordingsDir    folder on the Asterisk host where messages are recorded
 * @param callbackPromise  the urgent line's promise: call back within this after the message
 * @param promptTimeout    how long a digit prompt waits for a key
 * @param maxMessage       longest voice message
 */
public record LineConfig(String dialTemplate, Duration ringTimeout, String acceptContext, Duration ticketReuseWindow,
        String queueName, Duration queueWaitLimit, String recordingsDir, Duration callbackPromise,
        Duration promptTimeout, Duration maxMessage) {

    public static LineConfig from(Settings s) {
        String template = s.string("line.dial-template", "PJSIP/{number}@trunk");
        if (!template.contains("{number}")) {
            throw new ConfigException("line.dial-template", "'" + template + "' must contain {number}");
        }
        if (template.contains(",")) {
            throw new ConfigException("line.dial-template", "'" + template + "' must not contain ',' (Dial options are added by pagerline)");
        }
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
        return new LineConfig(template,
                positive(s, "line.ring-timeout", Duration.ofSeconds(25), Duration.ofMinutes(5)),
                accept,
                positive(s, "line.ticket-reuse-window", Duration.ofHours(4), Duration.ofDays(30)),
                queue,
                positive(s, "line.queue-wait-limit", Duration.ofMinutes(10), Duration.ofHours(4)),
                dir,
                positive(s, "line.callback-promise", Duration.ofMinutes(30), Duration.ofDays(1)),
                positive(s, "line.prompt-timeout", Duration.ofSeconds(6), Duration.ofMinutes(1)),
                positive(s, "line.max-message", Duration.ofMinutes(3), Duration.ofMinutes(30)));
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
        return dialTemplate.replace("{number}", e164);
    }
}
