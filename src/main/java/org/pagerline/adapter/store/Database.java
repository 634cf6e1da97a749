package org.pagerline.adapter.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.pagerline.config.DatabaseConfig;

/** The connection pool and the schema. {@link #open} migrates the schema to the newest version. */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final DatabaseConfig config;

    private Database(HikariDataSource pool, DatabaseConfig config) {
        this.pool = pool;
        this.config = config;
    }

    public static Database open(DatabaseConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.url());
        hc.setUsername(config.user());
        hc.setPassword(config.password());
        hc.setMaximumPoolSize(config.poolSize());
        hc.setPoolName("pagerline-db");
        hc.setAutoCommit(true);
        if (config.isH2File()) {
            // Durability (#8): H2 applies WRITE_DELAY to the whole database, from the URL of whichever
            // connection OPENED it (H2's default, 500 ms, when that URL does not say), and any later
            // connection's URL may change it again. At 500 ms MVStore commits in a background thread,
            // so a SIGKILL loses up to a second of acknowledged commits. Each of our connections sets
            // it to 0 itself: every commit is written to the file before commit() returns.
            hc.setConnectionInitSql("SET WRITE_DELAY 0");
        }
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            if (config.isH2File()) {
                requireImmediateWrites(ds);
            }
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .javaMigrations(new V2__quartz_tables())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, config);
    }

    /** Refuses to run on an H2 file whose commits would not be on disk when commit() returns. */
    private static void requireImmediateWrites(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME='WRITE_DELAY'")) {
            while (rs.next()) {
                if (!"0".equals(rs.getString(1))) {
                    throw new IllegalStateException("H2 WRITE_DELAY is " + rs.getString(1)
                            + " ms, not 0: a crash would lose committed work");
                }
            }
        } catch (SQLException e) {
            throw new StoreException("checking H2 WRITE_DELAY", e);
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public DatabaseConfig config() {
        return config;
    }

    public boolean isPostgres() {
        return config.isPostgres();
    }

    /** True when a trivial query answers: what the health check reports. */
    public boolean isUp() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
