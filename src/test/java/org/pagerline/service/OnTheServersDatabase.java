package org.pagerline.service;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.TestDatabase;

/**
 * A test on the database `pagerline server` opens by default, the H2 file, in a fresh directory for
 * each test ({@link #db}); a subclass runs the same tests on PostgreSQL by overriding {@link #open}
 * and {@link #closed}.
 */
abstract class OnTheServersDatabase {
    @TempDir
    Path dir;
    TestDatabase db;

    @BeforeEach
    void openTheDatabase() throws Exception {
        db = open(dir);
    }

    @AfterEach
    void closeTheDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
        closed();
    }

    /** The database under test: the H2 file as `pagerline server` opens it. */
    TestDatabase open(Path dir) throws Exception {
        return TestDatabase.fileIn(dir);
    }

    /** After the database is closed. */
    void closed() throws Exception {
    }
}
