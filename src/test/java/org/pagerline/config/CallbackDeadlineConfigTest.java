package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One call-back deadline key for the engine, the line and the ticket; the call-back regions and agi.allow keys. */
class CallbackDeadlineConfigTest {

    @Test
    void oneKeyDrivesTheEngineTheLineAndTheTicket() {
        PagerlineConfig c = PagerlineConfig.from(Settings.ofMap(Map.of("paging.callback-deadline", "30m")));
        assertEquals(Duration.ofMinutes(30), c.paging().callbackDeadline());
        assertEquals(c.paging().callbackDeadline(), c.line().callbackDeadline());
    }

    @Test
    void aDeadlineThePromptDoesNotSayStopsTheStartNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PagerlineConfig.from(Settings.ofMap(Map.of("paging.callback-deadline", "45m"))));
        assertEquals("paging.callback-deadline", e.key());
        assertTrue(e.getMessage().contains("30 minutes"), e.getMessage());
    }

    @Test
    void theOldLineCallbackPromiseKeyIsGone() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PagerlineConfig.from(Settings.ofMap(Map.of("line.callback-promise", "30m"))));
        assertEquals("line.callback-promise", e.key());
    }

    @Test
    void callbackRegionsDefaultToCanadaAndTheUsAndRejectNonsense() {
        assertEquals(Set.of("CA", "US"), PagerlineConfig.from(Settings.ofMap(Map.of())).line().callbackRegions());
        assertEquals(Set.of("CA", "GB"), LineConfig.from(Settings.ofMap(Map.of("line.callback-regions", "ca, gb"))).callbackRegions());
        ConfigException e = assertThrows(ConfigException.class,
                () -> LineConfig.from(Settings.ofMap(Map.of("line.callback-regions", "Canada"))));
        assertEquals("line.callback-regions", e.key());
    }

    @Test
    void agiAllowIsRequiredOffLoopbackAndParsed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgiConfig.from(Settings.ofMap(Map.of("agi.bind", "0.0.0.0"))));
        assertEquals("agi.allow", e.key());
        AgiConfig c = AgiConfig.from(Settings.ofMap(Map.of("agi.bind", "0.0.0.0", "agi.allow", "10.1.0.0/16,192.0.2.7")));
        assertTrue(c.allows(address("10.1.200.3")));
        assertTrue(c.allows(address("192.0.2.7")));
        assertTrue(!c.allows(address("10.2.0.1")) && !c.allows(address("127.0.0.1")));
        assertTrue(AgiConfig.from(Settings.ofMap(Map.of())).allows(address("127.0.0.1")), "loopback by default");
        assertEquals("agi.allow", assertThrows(ConfigException.class,
                () -> AgiConfig.from(Settings.ofMap(Map.of("agi.allow", "asterisk.example.com")))).key());
    }

    private static java.net.InetAddress address(String ip) {
        try {
            return java.net.InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
