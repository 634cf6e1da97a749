package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {

    @Test
    void aDbUrlThatDelaysH2CommitsIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:h2:file:/tmp/x/pagerline;write_delay=500;LOCK_TIMEOUT=10000"))));
        assertTrue(e.getMessage().contains("db.url") && e.getMessage().contains("WRITE_DELAY=500"), e.getMessage());
    }

    @Test
    void aDbUrlWithImmediateWritesOrNoneIsAccepted() {
        // opened through retry: (an interrupted thread must not close the file) and closed by pagerline, not H2's hook
        assertEquals("jdbc:h2:retry:file:/tmp/x/p;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=256;CACHE_SIZE=4096", DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:h2:file:/tmp/x/p;WRITE_DELAY=0"))).url());
        assertTrue(DatabaseConfig.from(Settings.ofMap(Map.of("db.url", "jdbc:h2:file:/tmp/x/p"))).isH2File());
        assertTrue(!DatabaseConfig.from(Settings.ofMap(Map.of("db.url", "jdbc:h2:mem:x"))).isH2File());
    }

    @Test
    void h2KeepsEveryStatementOfACallParsedUnlessTheUrlSaysOtherwise() {
        assertTrue(DatabaseConfig.from(Settings.ofMap(Map.of())).url().endsWith(";QUERY_CACHE_SIZE=256;CACHE_SIZE=4096"));
        assertEquals("jdbc:h2:mem:x;QUERY_CACHE_SIZE=16;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=4096", DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:h2:mem:x;QUERY_CACHE_SIZE=16"))).url());
        assertEquals("jdbc:postgresql://db/pagerline", DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:postgresql://db/pagerline"))).url());
    }

    @Test
    void aFrozenNodesTransactionIsEndedAfterThirtySecondsUnlessConfiguredAndAnOutOfRangeValueIsRefusedNamingTheKey() {
        assertEquals(java.time.Duration.ofSeconds(30), DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:postgresql://db/pagerline"))).idleInTransactionTimeout());
        assertEquals(java.time.Duration.ofSeconds(5), DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.url", "jdbc:postgresql://db/pagerline", "db.idle-in-transaction-timeout", "5s"))).idleInTransactionTimeout());
        for (String bad : new String[] {"0s", "500ms", "2h"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> DatabaseConfig.from(Settings.ofMap(Map.of(
                    "db.idle-in-transaction-timeout", bad))));
            assertTrue(e.getMessage().contains("db.idle-in-transaction-timeout") && e.getMessage().contains("1s to 1h"),
                    e.getMessage());
        }
        ConfigException typo = assertThrows(ConfigException.class, () -> DatabaseConfig.from(Settings.ofMap(Map.of(
                "db.idle-in-transaction-timeout", "30 secs"))));
        assertTrue(typo.getMessage().contains("db.idle-in-transaction-timeout"), typo.getMessage());
    }
}
