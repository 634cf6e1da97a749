package org.pagerline.service;

import java.util.Optional;

/**
 * Port: webhooks already handled, so a replayed one (Twilio retrying, or someone re-sending a
 * captured signed request) is answered again without being acted on twice. Keys are built by the
 * adapter from the provider's own ids (for example "sms:" + MessageSid). Implemented over the
 * database so it holds across restarts; entries are kept for a retention window.
 */
public interface WebhookLedger {

    /**
     * Claims {@code key} for handling now. Empty: first time, act and then {@link #finish} (or
     * {@link #release} if acting failed). Present: handled before (or being handled right now);
     * the value is the answer given then, "" if none was recorded.
     */
    Optional<String> claim(String key);

    /** Records the answer given for a claimed key, for replays to repeat. */
    void finish(String key, String answer);

    /** Forgets a claim whose handling failed, so a retry of the same webhook is acted on. */
    void release(String key);

    /** Records a fact (for example "a key was pressed on call CA..."); idempotent. */
    void mark(String key);

    /** True if the key was claimed or marked within the retention window. */
    boolean seen(String key);
}
