package org.pagerline.adapter.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.pagerline.service.OneAtATime;

/**
 * {@link OneAtATime} on PostgreSQL: {@code pg_try_advisory_xact_lock} on a key derived from the
 * work's name, held by a transaction of its own for as long as the work runs and released by its
 * commit (or by the connection's end, if the node dies). Never waits for the lock.
 */
public final class AdvisoryLock implements OneAtATime {
    /** The longest the lock's transaction may sit idle while its work runs (see {@link #tryRun}). */
    static final java.time.Duration HELD_WHILE_WORKING = java.time.Duration.ofMinutes(10);
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
                try (Statement st = c.createStatement()) {
                    // this transaction sits idle while the work runs (AMI actions of up to
                    // ami.action-timeout each): db.idle-in-transaction-timeout, which frees a frozen
                    // node's rows, would end it and free the lock mid-work. A frozen node's lock
                    // goes after this longer limit instead.
                    st.execute("SET LOCAL idle_in_transaction_session_timeout = " + HELD_WHILE_WORKING.toMillis());
                }
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
