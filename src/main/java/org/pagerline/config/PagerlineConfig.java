package org.pagerline.config;

/**
 * Every setting, typed and validated once at start; immutable afterwards. Build it with
 * {@link #from(Settings)}: the first bad value throws a {@link ConfigException} naming the key.
 */
public record PagerlineConfig(DatabaseConfig database, HttpConfig http, AgiConfig agi, SchedulerConfig scheduler,
        AmiConfig ami, TwilioConfig twilio, LineConfig line,
        PagingConfig paging, WebConfig web, MailConfig mail, MetricsConfig metrics,
        TicketConfig tickets) {

    public static PagerlineConfig from(Settings s) {
        HttpConfig http = HttpConfig.from(s);
        PagerlineConfig c = new PagerlineConfig(DatabaseConfig.from(s), http, AgiConfig.from(s),
                SchedulerConfig.from(s), AmiConfig.from(s), TwilioConfig.from(s),
                LineConfig.from(s), PagingConfig.from(s), WebConfig.from(s, http), MailConfig.from(s), MetricsConfig.from(s),
                TicketConfig.from(s));
        s.rejectUnknownKeys();
        if (c.paging().voiceProvider() == PagingConfig.VoiceProvider.ASTERISK && c.ami().pageCallerId() == null) {
            // Asterisk 22 sends an Originate without CallerID (and the call-back Dialled from it) as
            // "Anonymous" <sip:anonymous@anonymous.invalid>: carriers and customers reject those.
            throw new ConfigException("ami.page-caller-id", "is needed when paging.voice-provider=asterisk: without it"
                    + " Asterisk sends paging calls and call-backs as anonymous, which carriers reject;"
                    + " set the help desk's number, e.g. \"Help desk\" <+12045550100>");
        }
        return c;
    }
}
