package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.testkit.TestDatabase;

/** The embedded database's password: generated on first start, kept owner-only, given to an old passwordless database. */
class DatabasePasswordTest {
    @TempDir
    Path dir;

    private PagerlineConfig config() {
        return PagerlineConfig.from(Settings.ofMap(Map.of("data.dir", dir.toString())));
    }

    private String url() {
        return config().database().url();
    }

    @Test
    void aDatabaseMadeWithTheEmptySaPasswordGetsTheGeneratedOneAndKeepsItsData() throws Exception {
        // As the previous version left it: user sa, empty password, a technician on the roster.
        try (TestDatabase old = TestDatabase.fileIn(dir)) {
            new RosterService(old.transactions(), new PhoneNumbers("CA"), Clock.systemUTC())
                    .addTechnician(new RosterService.NewTechnician("Alice Able", "+12045550101", null, null, "UTC"));
        }
        try (Connection c = DriverManager.getConnection(url(), "sa", "")) {
            assertTrue(c.isValid(1), "the old database takes the empty password");
        }
        assertFalse(Files.exists(dir.resolve("db-password")));

        try (Wiring.Data data = Wiring.openData(config(), Clock.systemUTC())) {
            assertEquals("Alice Able", data.services().roster().technicians().get(0).name(), "the data is all there");
        }

        Path file = dir.resolve("db-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String password = Files.readString(file).strip();
        assertTrue(password.length() >= 40, "32 random bytes, base64: " + password.length());
        SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(), "sa", "").close());
        assertEquals(28000, refused.getErrorCode(), "wrong user name or password");
        try (Connection c = DriverManager.getConnection(url(), "sa", password)) {
            assertTrue(c.isValid(1));
        }

        // The next start reads the same password; nothing changes.
        try (Wiring.Data data = Wiring.openData(config(), Clock.systemUTC())) {
            assertEquals(1, data.services().roster().technicians().size());
        }
        assertEquals(password, Files.readString(file).strip());
    }

    @Test
    void aNewDatabaseIsMadeWithAGeneratedPasswordInAPrivateDirectory() throws Exception {
        Path fresh = dir.resolve("fresh");
        PagerlineConfig config = PagerlineConfig.from(Settings.ofMap(Map.of("data.dir", fresh.toString())));
        try (Wiring.Data data = Wiring.openData(config, Clock.systemUTC())) {
            assertTrue(data.database().isUp());
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        try (var files = Files.list(fresh)) {
            files.forEach(f -> {
                try {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
        String password = Files.readString(fresh.resolve("db-password")).strip();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(config.database().url(), "sa", "").close());
        try (Connection c = DriverManager.getConnection(config.database().url(), "sa", password)) {
            assertTrue(c.isValid(1));
        }
    }

    @Test
    void aPasswordFileThatNoLongerFitsTheDatabaseIsNamedInTheError() throws Exception {
        try (Wiring.Data data = Wiring.openData(config(), Clock.systemUTC())) {
            assertTrue(data.database().isUp());
        }
        Files.writeString(dir.resolve("db-password"), "not-the-password\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Wiring.openData(config(), Clock.systemUTC()));
        assertEquals("the database in " + dir + " refused the password in its db-password file (replaced, or restored from"
                + " another copy?)", e.getMessage());
    }
}
