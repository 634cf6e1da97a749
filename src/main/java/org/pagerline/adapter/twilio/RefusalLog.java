package org.pagerline.adapter.twilio;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.pagerline.service.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warnings for webhooks refused before they are known to come from Twilio (a bad or missing
 * signature, a body that is not a form or too big), at most one line a minute: the first of a
 * burst is logged, the rest are counted and the count goes on the next line, so whoever floods
 * the port with forged requests cannot flood the log too. One instance serves every webhook.
 */
final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(SignedWebhook.class);
    static final Duration EVERY = Duration.ofMinutes(1);
    private final Clock clock;
    private Instant last;
    private long unlogged;

    RefusalLog(Clock clock) {
        this.clock = clock;
    }

    synchronized void refused(String path, String why, String from) {
        Instant now = clock.instant();
        if (last != null && now.isBefore(last.plus(EVERY))) {
            unlogged++;
            return;
        }
        String more = unlogged == 0 ? "" : " (" + unlogged + " more refused since the last warning)";
        log.warn("Twilio webhook {} refused: {} (from {}){}; at most one such line a minute", LogText.of(path),
                LogText.of(why), LogText.of(from), more);
        last = now;
        unlogged = 0;
    }
}
