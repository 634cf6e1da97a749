package org.pagerline.adapter.twilio;

import java.net.URI;

/**
 * The webhook paths pagerline serves and the absolute URLs Twilio is given for them, always built
 * from {@code twilio.public-url} (the address Twilio calls and signs), never from a request's Host.
 */
public final class WebhookPaths {
    public static final String SMS = "/twilio/sms";
    public static final String STATUS = "/twilio/status";
    public static final String VOICE = "/twilio/voice";
    public static final String VOICE_KEY = "/twilio/voice/key";
    public static final String VOICE_DIALED = "/twilio/voice/dialed";
    public static final String VOICE_SPOKE = "/twilio/voice/spoke";

    private final String publicUrl;

    public WebhookPaths(String publicUrl) {
        this.publicUrl = publicUrl;
    }

    URI status(long pageId) {
        return URI.create(publicUrl + STATUS + "?page=" + pageId);
    }

    /** The voice page's TwiML; {@code round} counts repeats (key presses are de-duplicated per round). */
    URI voice(long pageId, int round) {
        return URI.create(publicUrl + VOICE + "?page=" + pageId + (round > 1 ? "&round=" + round : ""));
    }

    URI voiceKey(long pageId, int round) {
        return URI.create(publicUrl + VOICE_KEY + "?page=" + pageId + "&round=" + round);
    }

    /** The {@code <Dial action>} of the call-back after key 1: how the Dial ended. */
    URI voiceDialed(long pageId) {
        return URI.create(publicUrl + VOICE_DIALED + "?page=" + pageId);
    }

    /** The answer to "If you spoke with the caller, press 1" after an answered call-back. */
    URI voiceSpoke(long pageId) {
        return URI.create(publicUrl + VOICE_SPOKE + "?page=" + pageId);
    }

    /** What Twilio signed for a request that reached us at this raw path and query. */
    String signedUrl(String rawPath, String rawQuery) {
        return publicUrl + rawPath + (rawQuery == null ? "" : "?" + rawQuery);
    }
}
