package org.pagerline.adapter.store;

import java.sql.SQLTransientConnectionException;

/** A connection refused at once because the database is known to be closed (see {@link DatabaseOutage}). */
public final class DatabaseUnavailableException extends SQLTransientConnectionException {
    DatabaseUnavailableException(String message) {
        super(message, "08001");
    }
}
