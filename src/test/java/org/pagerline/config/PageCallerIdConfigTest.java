package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Paging calls and the call-back to the customer leave Asterisk with the caller ID pagerline puts
 * on the Originate; without one Asterisk 22 sends them as "Anonymous" &lt;sip:anonymous@anonymous.invalid&gt;,
 * which carriers and customers reject. So paging through Asterisk needs one, checked at start.
 */
class PageCallerIdConfigTest {
    private static final Map<String, String> ENV = Map.of("PAGERLINE_AMI_PASSWORD", "s3cret");

    private static PagerlineConfig config(String... kv) {
        Map<String, String> file = new HashMap<>(Map.of("ami.enabled", "true", "paging.voice-provider", "asterisk"));
        for (int i = 0; i < kv.length; i += 2) {
            file.put(kv[i], kv[i + 1]);
        }
        return PagerlineConfig.from(new Settings(file, ENV));
    }

    @Test
    void pagingThroughAsteriskWithoutACallerIdStopsTheStartNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, PageCallerIdConfigTest::config);
        assertEquals("ami.page-caller-id", e.key());
        assertTrue(e.getMessage().contains("anonymous"), e.getMessage());
    }

    @Test
    void aCallerIdWithoutANumberIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("ami.page-caller-id", "pagerline"));
        assertEquals("ami.page-caller-id", e.key());
        e = assertThrows(ConfigException.class, () -> config("ami.page-caller-id", "\"Help desk\" <>"));
        assertEquals("ami.page-caller-id", e.key());
    }

    @Test
    void aNumberWithOrWithoutANameIsTakenAsGiven() {
        assertEquals("\"Help desk\" <+12045550100>",
                config("ami.page-caller-id", "\"Help desk\" <+12045550100>").ami().pageCallerId());
        assertEquals("+12045550100", config("ami.page-caller-id", "+12045550100").ami().pageCallerId());
        assertEquals("12045550100", config("ami.page-caller-id", "12045550100").ami().pageCallerId());
    }

    @Test
    void withoutAsteriskPagingNoCallerIdIsNeeded() {
        PagerlineConfig c = PagerlineConfig.from(new Settings(Map.of("ami.enabled", "true"), ENV));
        assertEquals(null, c.ami().pageCallerId());
    }
}
