package org.pagerline.config;

import java.time.Duration;

/** Quartz: how often the safety sweep runs, and its worker threads. */
public record SchedulerConfig(Duration sweepInterval, int threads) {
    public static SchedulerConfig from(Settings s) {
        Duration sweep = s.duration("scheduler.sweep-interval", Duration.ofSeconds(30));
        if (sweep.isNegative() || sweep.isZero()) {
            throw new ConfigException("scheduler.sweep-interval", "must be positive");
        }
        return new SchedulerConfig(sweep, s.integer("scheduler.threads", 4, 1, 64));
    }
}
