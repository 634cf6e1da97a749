package org.pagerline.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.Settings;

/**
 * A schema of its own on the PostgreSQL that {@code PAGERLINE_TEST_PG_URL} names (CI sets it up:
 * scripts/postgres-for-tests), so tests run side by side (and runs of the suite beside each other,
 * on one server) without meeting. Dropped at close. Without the variable, the test is
 * skipped.
 */
public final class PgSchema implements AutoCloseable {
    public static final String USER = "pagerline_test";
    public static final String PASSWORD = "pagerline_test";
    private final String baseUrl;
    private final String schema;

    private PgSchema(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    /** A fresh, empty schema (the test is skipped when no PostgreSQL is configured). */
    public static PgSchema fresh() throws SQLException {
        String url = System.getenv("PAGERLINE_TEST_PG_URL");
        Assumptions.assumeTrue(url != null && !url.isBlank(),
                "PAGERLINE_TEST_PG_URL not set: run scripts/postgres-for-tests (CI does)");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(url, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        return new PgSchema(url, schema);
    }

    /** The JDBC URL whose connections work in this schema. */
    public String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public String schema() {
        return schema;
    }

    /** pagerline's settings for this schema, as a node would have them. */
    public DatabaseConfig config() {
        return config(Map.of());
    }

    /** As {@link #config()}, with {@code more} settings on top (they win over the defaults here). */
    public DatabaseConfig config(Map<String, String> more) {
        return DatabaseConfig.from(new Settings(settings(more), Map.of("PAGERLINE_DB_PASSWORD", PASSWORD)));
    }

    /** The database's settings for this schema, with {@code more} on top. */
    private Map<String, String> settings(Map<String, String> more) {
        Map<String, String> file = new java.util.HashMap<>(Map.of("db.url", url(), "db.user", USER, "db.pool-size", "6"));
        file.putAll(more);
        return file;
    }

    /**
     * A pagerline node in a child JVM on this schema, at {@code home} (made if missing), with
     * {@code more} settings on top of the database's and the password in its environment.
     */
    public ServerProcess node(java.nio.file.Path home, Map<String, String> more) throws java.io.IOException {
        java.nio.file.Files.createDirectories(home);
        return new ServerProcess(home, settings(more)).env("PAGERLINE_DB_PASSWORD", PASSWORD);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
