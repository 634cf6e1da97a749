package org.pagerline.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How many times H2 ran the statements whose text matches a {@code LIKE} pattern, counted since
 * {@link #start} ({@code INFORMATION_SCHEMA.QUERY_STATISTICS}): what a test of "one statement, not
 * one per row" asserts.
 */
public final class StatementCounts {
    private StatementCounts() {}

    /** Starts counting every statement text the database runs from now on. */
    public static void start(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET QUERY_STATISTICS TRUE");
        }
    }

    /** The executions of the statements whose text is {@code LIKE} {@code pattern}, since {@link #start}. */
    public static long executions(Connection c, String pattern) throws SQLException {
        try (var ps = c.prepareStatement("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                + " WHERE SQL_STATEMENT LIKE ?")) {
            ps.setString(1, pattern);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
