package org.pagerline.adapter.quartz;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/** Hands Quartz connections from pagerline's own pool; the pool's owner closes it, not Quartz. */
final class SharedPool implements ConnectionProvider {
    private final DataSource dataSource;

    SharedPool(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void shutdown() {
        // the pool belongs to the Database, which closes it after the scheduler has stopped
    }

    @Override
    public void initialize() {
        // nothing to set up: the pool is already open
    }
}
