package org.pagerline.service;

import java.nio.file.Path;
import org.pagerline.testkit.PgSchema;
import org.pagerline.testkit.TestDatabase;

/**
 * {@link ATechnicianWhoPressesOneIsPutThroughWhateverTheDatabaseTakesTest} on PostgreSQL (skipped
 * without {@code PAGERLINE_TEST_PG_URL}), where a ticket held by another transaction is held until
 * that transaction ends: no lock timeout bounds the acceptance's write there.
 */
class ATechnicianWhoPressesOneOnPostgresIT extends ATechnicianWhoPressesOneIsPutThroughWhateverTheDatabaseTakesTest {
    private PgSchema pg;

    @Override
    TestDatabase open(Path dir) throws Exception {
        pg = PgSchema.fresh();
        return TestDatabase.of(pg.config());
    }

    @Override
    void closed() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }
}
