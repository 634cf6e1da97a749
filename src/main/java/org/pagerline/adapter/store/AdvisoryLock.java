package org.pagerline.adapter.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.pagerline.service.OneAtATime;

/**
 * {@link OneAtATime} on PostgreSQL: {@code pg_try_advisory_xact_lock} on a key derived from the
 * work's name, held by a transaction of its own for as long as the work runs and released by its
 * commit (or by the connection's end, if the node dies). Never waits for the lock.
 */
public final class AdvisoryLock implements OneAtATime {
    private final DataSource ds;

    public AdvisoryLock(DataSource ds) {
        this.ds = ds;
    }

    /** The same name gives the same 64-bit key on every node (FNV-1a of its UTF-8 bytes). */
    static long key(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : ("pagerline:" + name).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public boolean tryRun(String name, Runnable work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                    st.setLong(1, key(name));
                    try (ResultSet rs = st.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean(1)) {
                            return false;
                        }
                    }
                }
                work.run();
                return true;
            } finally {
                c.rollback(); // ends the transaction: releases the lock (nothing else was written on it)
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException("advisory lock for " + name, e);
        }
    }
}
