package org.pagerline.adapter.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.pagerline.config.DatabaseConfig;

/**
 * The connection pool and the schema. {@link #open} migrates the schema to the newest version.
 * Everything (stores, Quartz, the webhook ledger) takes connections from {@link #dataSource()},
 * which refuses them at once while H2 has closed the database and reopens the pool when writes
 * succeed again (see {@link DatabaseOutage}).
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final DatabaseConfig config;
    private final DatabaseOutage outage;
    private final DataSource guarded;
    /** On the H2 file: rewrites its sparse chunks while the server runs (null otherwise). */
    private final H2Housekeeper housekeeper;

    private Database(HikariDataSource pool, DatabaseConfig config, DatabaseOutage outage) {
        this.pool = pool;
        this.config = config;
        this.outage = outage;
        this.guarded = new GuardedDataSource(pool, outage);
        this.housekeeper = config.isH2File() ? H2Housekeeper.start(guarded) : null;
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
        if (config.isPostgres()) {
            // db.idle-in-transaction-timeout (DatabaseConfig): a node frozen inside a transaction lets
            // go of its rows after this long instead of when the TCP keepalive gives up
            hc.setConnectionInitSql("SET idle_in_transaction_session_timeout = "
                    + config.idleInTransactionTimeout().toMillis());
        }
        AtomicReference<HikariDataSource> built = new AtomicReference<>();
        DatabaseOutage outage = new DatabaseOutage(() -> writeCheck(config), () -> {
            HikariDataSource p = built.get();
            if (p != null && p.getHikariPoolMXBean() != null) {
                p.getHikariPoolMXBean().softEvictConnections();
            }
        }, System::nanoTime, true);
        hc.setExceptionOverride(outage);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            if (!PasswordlessH2.refused(e) || !PasswordlessH2.adopt(config)) {
                throw e;
            }
            ds = new HikariDataSource(hc);
        }
        built.set(ds);
        try {
            if (config.isH2File()) {
                requireImmediateWrites(ds);
            }
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .javaMigrations(new V2__quartz_tables(), new V16__h2_identity_caches(), new V23__h2_foreign_key_indexes_not_twice(),
                            new V25__h2_ticket_number_cache())
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, config, outage);
    }

    /**
     * Opens a connection of its own (not from the pool, whose connections may belong to the closed
     * database), writes one row and commits: the database is usable again when this succeeds.
     */
    private static void writeCheck(DatabaseConfig config) throws SQLException {
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
                PreparedStatement update = c.prepareStatement(
                        "UPDATE desk_settings SET setting_value=? WHERE name='write_check'")) {
            String stamp = Long.toString(System.nanoTime());
            update.setString(1, stamp);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO desk_settings (name, setting_value) VALUES ('write_check', ?)")) {
                    insert.setString(1, stamp);
                    insert.executeUpdate();
                }
            }
        }
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

    /** The H2 file's housekeeper, or null (tests). */
    H2Housekeeper h2Housekeeper() {
        return housekeeper;
    }

    public DataSource dataSource() {
        return guarded;
    }

    /** Whether H2 has closed the database and it is not yet writable again; for the server's log filter. */
    public DatabaseOutage outage() {
        return outage;
    }

    public DatabaseConfig config() {
        return config;
    }

    public boolean isPostgres() {
        return config.isPostgres();
    }

    /** True when a trivial query answers: what the health check reports. */
    public boolean isUp() {
        if (outage.isDown()) {
            return false;
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (housekeeper != null) {
            housekeeper.close();
        }
        outage.close();
        pool.close();
    }

    /** The pool, behind the outage's check. */
    private static final class GuardedDataSource implements DataSource {
        private final HikariDataSource pool;
        private final DatabaseOutage outage;

        GuardedDataSource(HikariDataSource pool, DatabaseOutage outage) {
            this.pool = pool;
            this.outage = outage;
        }

        @Override
        public Connection getConnection() throws SQLException {
            outage.check();
            return pool.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            outage.check();
            return pool.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return pool.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            pool.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            pool.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return pool.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return pool.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || pool.isWrapperFor(iface);
        }
    }
}
