package org.pagerline.service;

import java.nio.file.Path;
import org.pagerline.testkit.PgSchema;
import org.pagerline.testkit.TestDatabase;

/**
 * {@link ATicketHeldElsewhereHoldsUpOnlyItsOwnCallerTest} on PostgreSQL (skipped without
 * {@code PAGERLINE_TEST_PG_URL}), where no lock timeout ends the wait: a ticket held by a frozen
 * node's transaction held every piece written with it until that node's connection died.
 */
class ATicketHeldElsewhereOnPostgresIT extends ATicketHeldElsewhereHoldsUpOnlyItsOwnCallerTest {
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
