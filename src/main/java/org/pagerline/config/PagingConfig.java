package org.pagerline.config;

import java.time.Duration;
import org.pagerline.core.page.BundleGaps;

/**
 * Paging: the call-back deadline, retries, the per-phone rate limit, and which provider carries
 * each channel ({@code log} prints pages to the log: the embedded default).
 *
 * @param callbackDeadline the caller must be called back this long after the voicemail
 * @param slaWarning how long before a priority's respond-by deadline the team lead is warned
 * @param retryBackoff first retry after a temporary failure; doubles each attempt, capped at retryMaxBackoff
 * @param retryMaxAttempts hand-overs per page before moving to the other channel
 * @param rateLimitPages at most this many pages to one phone per rateLimitWindow (more are deferred)
 * @param sendTimeout a page claimed for sending this long ago with no result is re-sent (crash recovery)
 * @param bundleGaps how urgent messages to one phone are paced and bundled (never by the rate limit)
 */
public record PagingConfig(Duration callbackDeadline, Duration slaWarning, Duration retryBackoff, Duration retryMaxBackoff,
        int retryMaxAttempts, int rateLimitPages, Duration rateLimitWindow, Duration sendTimeout, int sendThreads,
        VoiceProvider voiceProvider, SmsProvider smsProvider, BundleGaps bundleGaps) {

    public enum VoiceProvider { LOG, ASTERISK, TWILIO }

    public enum SmsProvider { LOG, TWILIO }

    public static PagingConfig defaults() {
        return from(Settings.ofMap(java.util.Map.of()));
    }

    public static PagingConfig from(Settings s) {
        return new PagingConfig(
                positive(s, "paging.callback-deadline", Duration.ofMinutes(30)),
                positive(s, "paging.sla-warning", Duration.ofMinutes(15)),
                positive(s, "paging.retry-backoff", Duration.ofSeconds(30)),
                positive(s, "paging.retry-max-backoff", Duration.ofMinutes(5)),
                s.integer("paging.retry-max-attempts", 3, 1, 20),
                s.integer("paging.rate-limit.pages", 10, 1, 1000),
                positive(s, "paging.rate-limit.window", Duration.ofMinutes(10)),
                positive(s, "paging.send-timeout", Duration.ofSeconds(60)),
                s.integer("paging.send-threads", 8, 1, 64),
                s.choice("paging.voice-provider", VoiceProvider.class, VoiceProvider.LOG),
                s.choice("paging.sms-provider", SmsProvider.class, SmsProvider.LOG),
                new BundleGaps(s.duration("paging.bundle.sms-gap", BundleGaps.defaults().sms()),
                        s.duration("paging.bundle.voice-gap", BundleGaps.defaults().voice())));
    }

    private static Duration positive(Settings s, String key, Duration dflt) {
        Duration d = s.duration(key, dflt);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, "must be positive");
        }
        return d;
    }
}
