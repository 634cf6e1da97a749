package org.pagerline.adapter.store;

import java.sql.SQLException;

/** A database fault, with the statement that failed. Never a user error. */
public final class StoreException extends RuntimeException {
    StoreException(String sql, SQLException cause) {
        super("database error (" + cause.getSQLState() + ") in: " + sql.strip().replaceAll("\\s+", " "), cause);
    }
}
