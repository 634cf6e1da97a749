package org.pagerline.boot;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.pagerline.adapter.store.Database;
import org.pagerline.cli.Backend;
import org.pagerline.config.DatabaseConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the database as the server and the command line both need it. Embedded H2: in the
 * owner-only data directory ({@link DataDirectory}), with the password generated there, and the
 * files H2 made tightened after. Only one process can have the H2 file open: another one (a
 * command run while no server was up, or a server stopping) is waited for, up to {@link #LOCK_WAIT}.
 */
final class DatabaseOpener {
    private static final Logger log = LoggerFactory.getLogger(DatabaseOpener.class);

    /** How long to wait for another process to let go of the H2 file. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private DatabaseOpener() {}

    /**
     * Opens the database. {@code serverUp} is asked while it waits: a server that started meanwhile
     * and answers on its admin socket ends the wait with {@link Backend.ServerStarted}.
     */
    static Database open(DatabaseConfig config, BooleanSupplier serverUp) {
        DatabaseConfig dbc = config;
        DataDirectory dir = null;
        if (dbc.generatedPassword()) {
            dir = DataDirectory.secure(dbc.dataDir());
            dbc = dbc.withPassword(dir.databasePassword());
        }
        Database db;
        try {
            db = openWaitingForLock(dbc, serverUp);
        } catch (RuntimeException e) {
            if (dir != null && sqlState(e, 28000)) {
                throw new IllegalStateException("the database in " + dir.path() + " refused the password in its "
                        + DataDirectory.PASSWORD_FILE + " file (replaced, or restored from another copy?)", e);
            }
            throw e;
        }
        if (dir != null) {
            dir.tighten(); // the files H2 just made (umask permitting) are private too
        }
        return db;
    }

    private static Database openWaitingForLock(DatabaseConfig dbc, BooleanSupplier serverUp) {
        long until = System.nanoTime() + LOCK_WAIT.toNanos(); // real time, whatever clock the services get
        boolean said = false;
        while (true) {
            try {
                return Database.open(dbc);
            } catch (RuntimeException e) {
                if (!heldElsewhere(e)) {
                    throw e;
                }
                if (serverUp.getAsBoolean()) {
                    throw new Backend.ServerStarted();
                }
                if (System.nanoTime() - until > 0) {
                    throw new IllegalStateException("the database in " + dbc.dataDir() + " is in use by another process"
                            + " (a pagerline server whose admin socket does not answer?)", e);
                }
                if (!said) {
                    log.info("the database in {} is open in another process: waiting up to {} s for it", dbc.dataDir(),
                            LOCK_WAIT.toSeconds());
                    said = true;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** H2's "Database may be already in use" (90020): another process has the file open. */
    private static boolean heldElsewhere(Throwable e) {
        return sqlState(e, 90020);
    }

    /** An SQLException with this vendor error code somewhere in the causes (28000: wrong user name or password). */
    private static boolean sqlState(Throwable e, int errorCode) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == errorCode) {
                return true;
            }
        }
        return false;
    }

}
