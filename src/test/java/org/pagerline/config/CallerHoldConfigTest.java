package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * line.hold-after (2 s unless set, 200 ms to 30 s) and line.wait-limit (10 s unless set, 1 s to
 * 2 min, at least the hold-after and the hold prompt's 2 s): anything else refused naming the key.
 */
class CallerHoldConfigTest {

    @Test
    void twoSecondsOfSilenceAndTenOfWaitingUnlessSet() {
        LineConfig d = LineConfig.from(Settings.ofMap(Map.of()));
        assertEquals(Duration.ofSeconds(2), d.holdAfter());
        assertEquals(Duration.ofSeconds(10), d.waitLimit());
        LineConfig set = LineConfig.from(Settings.ofMap(Map.of("line.hold-after", "500ms", "line.wait-limit", "30s")));
        assertEquals(Duration.ofMillis(500), set.holdAfter());
        assertEquals(Duration.ofSeconds(30), set.waitLimit());
    }

    @Test
    void outOfRangeOrNotADurationIsRefusedNamingTheKey() {
        for (var bad : Map.of("line.hold-after", new String[] {"100ms", "31s", "soon"},
                "line.wait-limit", new String[] {"500ms", "3m", "never"}).entrySet()) {
            for (String value : bad.getValue()) {
                ConfigException e = assertThrows(ConfigException.class,
                        () -> LineConfig.from(Settings.ofMap(Map.of(bad.getKey(), value))), value);
                assertEquals(bad.getKey(), e.key(), value);
                assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
            }
        }
    }

    @Test
    void aWaitLimitWithNoRoomForTheHoldPromptIsRefusedNamingBoth() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> LineConfig.from(Settings.ofMap(Map.of("line.hold-after", "5s", "line.wait-limit", "6s"))));
        assertEquals("line.wait-limit", e.key());
        assertTrue(e.getMessage().contains("line.hold-after (5s) plus 2s"), e.getMessage());
        assertEquals(Duration.ofSeconds(7), LineConfig.from(Settings.ofMap(Map.of("line.hold-after", "5s",
                "line.wait-limit", "7s"))).waitLimit(), "room for one hold prompt");
    }
}
