package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** line.dead-node-after: 30 s unless set, 2 s to 10 min, anything else refused naming the key. */
class DeadNodeAfterConfigTest {

    @Test
    void thirtySecondsUnlessSet() {
        assertEquals(Duration.ofSeconds(30), LineConfig.from(Settings.ofMap(Map.of())).deadNodeAfter());
        assertEquals(Duration.ofMinutes(2), LineConfig.from(Settings.ofMap(Map.of("line.dead-node-after", "2m")))
                .deadNodeAfter());
    }

    @Test
    void aSilenceTooShortOrTooLongOrNotADurationIsRefusedNamingTheKey() {
        for (String bad : new String[] {"1s", "0s", "11m", "soon"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> LineConfig.from(Settings.ofMap(Map.of("line.dead-node-after", bad))), bad);
            assertEquals("line.dead-node-after", e.key(), bad);
            assertTrue(e.getMessage().contains("line.dead-node-after"), e.getMessage());
        }
    }
}
