package org.pagerline.service;

import java.time.Instant;

/** Port: wake the engine's due pass at an instant (Quartz in production, the test's hand otherwise). */
@FunctionalInterface
public interface WakeUps {
    void wakeAt(Instant due);

    /**
     * Whether every wake-up goes here, the near ones too. False (production): wake-ups less than
     * a couple of seconds ahead are kept on an in-process timer, which runs on the real clock. True
     * for a test that moves its own clock and runs each pass by hand: a real-time timer would run
     * passes of its own at whatever instant the test's clock shows then.
     */
    default boolean takesNearWakeUps() {
        return false;
    }
}
