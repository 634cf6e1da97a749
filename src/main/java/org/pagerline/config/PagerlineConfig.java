package org.pagerline.config;

/**
 * Every setting, typed and validated once at start; immutable afterwards. Build it with
 * {@link #from(Settings)}: the first bad value throws a {@link ConfigException} naming the key.
 */
public record PagerlineConfig(DatabaseConfig database, HttpConfig http, AgiConfig agi, SchedulerConfig scheduler,
        AmiConfig ami, TwilioConfig twilio, LineConfig line,
        PagingConfig paging) {

    public static PagerlineConfig from(Settings s) {
        PagerlineConfig c = new PagerlineConfig(DatabaseConfig.from(s), HttpConfig.from(s), AgiConfig.from(s),
                SchedulerConfig.from(s), AmiConfig.from(s), TwilioConfig.from(s),
                LineConfig.from(s), PagingConfig.from(s));
        s.rejectUnknownKeys();
        return c;
    }
}
