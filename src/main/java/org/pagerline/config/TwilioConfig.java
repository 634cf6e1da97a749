package org.pagerline.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Twilio (SMS pages, voice pages where there is no Asterisk trunk, webhooks). Optional: with no
 * {@code twilio.account-sid} Twilio is simply not configured ({@link #configured()} is false) and
 * every other twilio key must be absent too, so a half-done setup is an error, not a silent no-op.
 *
 * @param authToken secret, from PAGERLINE_TWILIO_AUTH_TOKEN only; never in {@link #toString()}
 * @param publicUrl the externally visible base URL Twilio calls and signs (no trailing slash);
 *                  webhook URLs are rebuilt from it, never from the Host header
 * @param apiUrl    where the SDK's requests go instead of api.twilio.com (a local fake); null: Twilio
 * @param recordingsUrl base URL the voice page plays recordings from ({@code <Play>}); null: not played
 */
public record TwilioConfig(String accountSid, String authToken, String fromNumber, String publicUrl,
        URI apiUrl, Duration timeout, String recordingsUrl) {

    static final String SID = "twilio.account-sid";
    static final String TOKEN = "twilio.auth-token";
    static final String FROM = "twilio.from-number";
    static final String PUBLIC_URL = "twilio.public-url";
    static final String API_URL = "twilio.api-url";
    static final String TIMEOUT = "twilio.timeout";
    static final String RECORDINGS_URL = "twilio.recordings-url";

    private static final Pattern SID_FORMAT = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public static final TwilioConfig NOT_CONFIGURED =
            new TwilioConfig(null, null, null, null, null, Duration.ofSeconds(10), null);

    public static TwilioConfig from(Settings s) {
        Optional<String> sid = s.raw(SID);
        Optional<String> token = s.secret(TOKEN);
        Optional<String> from = s.raw(FROM);
        Optional<String> publicUrl = s.raw(PUBLIC_URL);
        Optional<String> apiUrl = s.raw(API_URL);
        Duration timeout = s.duration(TIMEOUT, Duration.ofSeconds(10));
        Optional<String> recordings = s.raw(RECORDINGS_URL);
        if (sid.isEmpty()) {
            for (var other : List.of(Optional.of(FROM).filter(k -> from.isPresent()),
                    Optional.of(PUBLIC_URL).filter(k -> publicUrl.isPresent()),
                    Optional.of(API_URL).filter(k -> apiUrl.isPresent()),
                    Optional.of(TOKEN).filter(k -> token.isPresent()))) {
                if (other.isPresent()) {
                    throw new ConfigException(SID, "is missing but " + other.get()
                            + " is set (Twilio needs an account SID, or remove the twilio keys)");
                }
            }
            return NOT_CONFIGURED;
        }
        if (!SID_FORMAT.matcher(sid.get()).matches()) {
            throw new ConfigException(SID, "'" + sid.get() + "' is not an account SID (AC followed by 32 hex digits)");
        }
        String tok = token.orElseThrow(() -> new ConfigException(TOKEN,
                "is missing: set the environment variable " + Settings.envName(TOKEN)));
        String number = from.orElseThrow(() -> new ConfigException(FROM, "is missing (the Twilio number pages come from)"));
        if (!E164.matcher(number).matches()) {
            throw new ConfigException(FROM, "'" + number + "' is not an E.164 number such as +12045550100");
        }
        String pub = baseUrl(PUBLIC_URL, publicUrl.orElseThrow(() -> new ConfigException(PUBLIC_URL,
                "is missing (the https:// address Twilio reaches pagerline at, e.g. https://pager.example.com)")));
        URI api = apiUrl.map(v -> URI.create(baseUrl(API_URL, v))).orElse(null);
        if (timeout.toMillis() < 100 || timeout.toSeconds() > 120) {
            throw new ConfigException(TIMEOUT, timeout + " is out of range (100ms to 120s)");
        }
        String rec = recordings.map(v -> baseUrl(RECORDINGS_URL, v)).orElse(null);
        return new TwilioConfig(sid.get(), tok, number, pub, api, timeout, rec);
    }

    /** An absolute http(s) URL with a host, no query or fragment; returned without trailing slash. */
    private static String baseUrl(String key, String value) {
        URI u;
        try {
            u = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "'" + value + "' is not a URL");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new ConfigException(key, "'" + value + "' must be an http:// or https:// base URL with a host and no query");
        }
        String s = u.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    public boolean configured() {
        return accountSid != null;
    }

    @java.lang.Override
    public String toString() {
        if (!configured()) {
            return "TwilioConfig[not configured]";
        }
        return "TwilioConfig[accountSid=" + accountSid + ", authToken=***, fromNumber=" + fromNumber
                + ", publicUrl=" + publicUrl + ", apiUrl=" + apiUrl + ", timeout=" + timeout
                + ", recordingsUrl=" + recordingsUrl + "]";
    }
}
