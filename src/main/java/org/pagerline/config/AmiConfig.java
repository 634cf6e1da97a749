package org.pagerline.config;

import java.time.Duration;

/**
 * The Asterisk Manager Interface link: queue membership, queue events, and (when
 * {@code paging.voice-provider=asterisk}) voice pages placed with Originate. Off unless {@code ami.enabled}.
 *
 * <p>Dial-string templates: see {@link DialTemplate} ({@code {number}} E.164 digits without '+',
 * {@code {phone}} with it), the same meaning as {@code line.dial-template}.
 *
 * @param password from PAGERLINE_AMI_PASSWORD only; never logged
 * @param reconnectInterval first wait before reconnecting; doubles after each failure up to {@code reconnectMax}
 * @param reconcileInterval how often queue members are brought in line with sign-ins and the desk hours
 */
public record AmiConfig(boolean enabled, String host, int port, String username, String password,
        Duration reconnectInterval, Duration reconnectMax, Duration actionTimeout, String queue,
        String memberTemplate, Duration reconcileInterval, String pageDialTemplate,
        String pageContext, Duration pageRingTimeout, String pageCallerId) {

    public static AmiConfig from(Settings s) {
        boolean enabled = s.bool("ami.enabled", false);
        String password = s.secret("ami.password").orElse(null);
        if (enabled && password == null) {
            throw new ConfigException("ami.password", "is needed when ami.enabled=true: set the environment variable "
                    + Settings.envName("ami.password"));
        }
        AmiConfig c = new AmiConfig(enabled, s.string("ami.host", "127.0.0.1"), s.port("ami.port", 5038),
                s.string("ami.username", "pagerline"), password,
                positive(s, "ami.reconnect-interval", Duration.ofSeconds(5)),
                positive(s, "ami.reconnect-max", Duration.ofSeconds(60)),
                positive(s, "ami.action-timeout", Duration.ofSeconds(5)),
                s.string("ami.queue", "helpdesk"),
                // Local, not PJSIP/{number}@trunk: app_queue needs a device state, and a PJSIP
                // number@trunk interface has none (INVALID: never rung, queue counted empty)
                template(s, "ami.member-template", "Local/{number}@pagerline-members"),
                positive(s, "ami.reconcile-interval", Duration.ofSeconds(30)),
                template(s, "ami.page-dial-template", "PJSIP/{number}@trunk"),
                s.string("ami.page-context", "pagerline-page"),
                positive(s, "ami.page-ring-timeout", Duration.ofSeconds(30)),
                callerId(s));
        if (c.reconnectMax.compareTo(c.reconnectInterval) < 0) {
            throw new ConfigException("ami.reconnect-max", "must be at least ami.reconnect-interval");
        }
        return c;
    }

    /** "Name" <number> or a bare number, as Originate's CallerID takes it. */
    private static final java.util.regex.Pattern CALLER_ID =
            java.util.regex.Pattern.compile("(?:\"[^\"<>]*\"\\s*|[^\"<>]*?\\s*)?<\\+?[0-9]{3,20}>|\\+?[0-9]{3,20}");

    /**
     * ami.page-caller-id: what the technician's phone (and, from the paging call, the customer's
     * on a call-back) shows. Needs a number: Asterisk presents a caller ID with no number as
     * "Anonymous". Whether it is needed at all is {@link PagerlineConfig}'s check.
     */
    private static String callerId(Settings s) {
        String v = s.raw("ami.page-caller-id").map(String::trim).filter(x -> !x.isEmpty()).orElse(null);
        if (v != null && !CALLER_ID.matcher(v).matches()) {
            throw new ConfigException("ami.page-caller-id", "'" + v + "' has no number: use \"Help desk\" <+12045550100>"
                    + " or +12045550100");
        }
        return v;
    }

    /** The queue member interface for a technician's phone. */
    public String memberInterface(String e164) {
        return expand(memberTemplate, e164);
    }

    /** The dial string for a paging call (or the call-back) to {@code e164}. */
    public String pageDialString(String e164) {
        return expand(pageDialTemplate, e164);
    }

    public static String expand(String template, String e164) {
        return DialTemplate.expand(template, e164);
    }

    private static String template(Settings s, String key, String dflt) {
        return DialTemplate.read(s, key, dflt);
    }

    private static Duration positive(Settings s, String key, Duration dflt) {
        Duration d = s.duration(key, dflt);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(key, "must be more than zero");
        }
        return d;
    }

    @Override
    public String toString() {
        return "AmiConfig[enabled=" + enabled + ", " + username + "@" + host + ":" + port + ", queue=" + queue + "]";
    }
}
