package org.pagerline.service;

import java.time.Instant;

/** Port: wake the engine's due pass at an instant (Quartz in production, the test's hand otherwise). */
@FunctionalInterface
public interface WakeUps {
    void wakeAt(Instant due);
}
