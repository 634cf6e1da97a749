package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.Settings;
import org.pagerline.testkit.TestDatabase;

/**
 * The H2 file opens with a 4 MB page cache, not H2's 16 MB: H2 caches every page a commit writes,
 * and in 16 MB those pages lived long enough under load to be copied by the collector, whose young
 * pauses every caller in flight waits out (README, "The support line under load"). A db.url that
 * sets CACHE_SIZE keeps its own.
 */
class H2PageCacheTest {
    @TempDir
    Path dir;

    @Test
    void theH2FileKeepsAFourMegabytePageCache() throws Exception {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            assertEquals("4", cacheMegabytes(db.database()));
        }
    }

    @Test
    void aDbUrlThatSetsTheCacheSizeKeepsIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("own").toAbsolutePath() + ";cache_size=32768";
        try (Database db = Database.open(DatabaseConfig.from(Settings.ofMap(Map.of(
                "data.dir", dir.toString(), "db.url", url))))) {
            assertEquals("32", cacheMegabytes(db));
        }
    }

    /** What H2 reports as its page cache's limit, in MB. */
    private static String cacheMegabytes(Database db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME='info.CACHE_MAX_SIZE'")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
