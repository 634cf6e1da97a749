package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static ConfigException bad(Map<String, String> file) {
        return assertThrows(ConfigException.class, () -> PagerlineConfig.from(Settings.ofMap(file)));
    }

    @Test
    void aBoundedDurationIsTheDefaultOrAValueInRangeElseRefusedNamingTheKeyAndTheRange() {
        Settings s = Settings.ofMap(Map.of("a", "5s", "b", "500ms", "c", "2h"));
        assertEquals(Duration.ofMinutes(1), s.duration("none", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1)));
        assertEquals(Duration.ofSeconds(5), s.duration("a", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1)));
        ConfigException low = assertThrows(ConfigException.class,
                () -> s.duration("b", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1)));
        assertEquals("b: 500ms is out of range (1s to 1h)", low.getMessage());
        ConfigException high = assertThrows(ConfigException.class,
                () -> s.duration("c", Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofMinutes(10)));
        assertEquals("c: 2h is out of range (2s to 10m)", high.getMessage());
    }

    @Test
    void defaults_need_no_file_at_all() {
        PagerlineConfig c = PagerlineConfig.from(Settings.ofMap(Map.of()));
        assertEquals("127.0.0.1", c.http().bind(), "admin endpoints on loopback by default");
        assertEquals(8080, c.http().port());
        assertEquals("127.0.0.1", c.agi().bind());
        assertEquals(4573, c.agi().port());
        assertTrue(c.database().url().startsWith("jdbc:h2:retry:file:"), "an interrupted thread cannot close the file");
        assertTrue(c.database().url().contains("WRITE_DELAY=0"), "commits durable at once");
        assertTrue(c.database().url().contains(";LOCK_TIMEOUT=10000"), "a locked row is waited for 10 s, not H2's 1 s");
        assertFalse(c.database().url().contains("AUTO_SERVER"), "no TCP port to the database: the CLI uses the admin socket");
        assertTrue(c.database().generatedPassword(), "the embedded database gets a generated password");
    }

    @Test
    void an_h2_url_asking_for_auto_server_is_refused_naming_db_url() {
        ConfigException e = bad(Map.of("db.url", "jdbc:h2:file:/tmp/x/pagerline;AUTO_SERVER=TRUE"));
        assertEquals("db.url", e.key());
        assertTrue(e.getMessage().contains("AUTO_SERVER opens a TCP port"), e.getMessage());
    }

    @Test
    void a_bad_value_names_the_key_and_the_problem() {
        ConfigException e = bad(Map.of("http.port", "eighty"));
        assertEquals("http.port", e.key());
        assertEquals("http.port: 'eighty' is not a whole number", e.getMessage());
        assertEquals("agi.port", bad(Map.of("agi.port", "70000")).key());
        assertEquals("scheduler.sweep-interval", bad(Map.of("scheduler.sweep-interval", "soon")).key());
        assertEquals("scheduler.sweep-interval: must be at most 1h (it is the safety sweep; was 2h)",
                bad(Map.of("scheduler.sweep-interval", "2h")).getMessage());
        assertEquals("db.url", bad(Map.of("db.url", "jdbc:mysql://x")).key());
    }

    @Test
    void a_typo_in_the_file_is_an_unknown_key() {
        ConfigException e = bad(Map.of("http.prot", "8081"));
        assertEquals("http.prot", e.key());
        assertTrue(e.getMessage().contains("unknown key"));
    }

    @Test
    void environment_overrides_the_file() {
        Settings s = new Settings(Map.of("http.port", "8081"), Map.of("PAGERLINE_HTTP_PORT", "9090"));
        assertEquals(9090, PagerlineConfig.from(s).http().port());
    }

    @Test
    void secrets_come_only_from_the_environment_and_are_never_printed() {
        assertEquals("db.password", bad(Map.of("db.password", "hunter2")).key());
        Settings s = new Settings(Map.of(), Map.of("PAGERLINE_DB_PASSWORD", "hunter2"));
        PagerlineConfig c = PagerlineConfig.from(s);
        assertEquals("hunter2", c.database().password());
        assertFalse(c.toString().contains("hunter2"));
        assertFalse(s.toString().contains("hunter2"));
    }

    @Test
    void durations_read_as_people_write_them() {
        assertEquals(Duration.ofMinutes(5), Settings.parseDuration("5m"));
        assertEquals(Duration.ofSeconds(30), Settings.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(30), Settings.parseDuration("PT30M"));
        assertThrows(IllegalArgumentException.class, () -> Settings.parseDuration("5 fortnights"));
    }
}
