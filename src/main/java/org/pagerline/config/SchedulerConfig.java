package org.pagerline.config;

import java.time.Duration;

/** Quartz: how often the safety sweep runs, and its worker threads. */
public record SchedulerConfig(Duration sweepInterval, int threads) {
    public static SchedulerConfig from(Settings s) {
        Duration sweep = s.duration("scheduler.sweep-interval", Duration.ofSeconds(30));
        if (sweep.isNegative() || sweep.isZero()) {
            throw new ConfigException("scheduler.sweep-interval", "must be positive");
        }
        // the safety net that finds what no wake-up asked for (a phone message's contact clock, a
        // wake-up lost in a crash): past an hour it would let a warning be late
        if (sweep.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("scheduler.sweep-interval", "must be at most 1h (it is the safety sweep; was "
                    + s.raw("scheduler.sweep-interval").orElse("") + ")");
        }
        return new SchedulerConfig(sweep, s.integer("scheduler.threads", 4, 1, 64));
    }
}
