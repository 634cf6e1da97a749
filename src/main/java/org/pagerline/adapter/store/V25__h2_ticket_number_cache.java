package org.pagerline.adapter.store;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * H2 only: ticket numbers come from a cache of {@value #CACHE}, as the other identities' do from
 * V16's. H2 writes an identity's next value to its file each time its cache runs out, in a commit
 * of its own under H2's system session: every 32nd new ticket's start waited for that extra commit,
 * and for the page store of any commit under way before it (the start's INSERT took 15 times as
 * long as the call's). The price is a gap of at most {@value #CACHE} ticket numbers after a crash
 * (never after a clean stop); PostgreSQL: nothing (its sequences are not written per cache).
 */
@SuppressWarnings("checkstyle:TypeName")
public class V25__h2_ticket_number_cache extends BaseJavaMigration {
    static final int CACHE = 256;

    @Override
    public void migrate(Context context) throws Exception {
        if (!Jdbc.product(context.getConnection()).contains("h2")) {
            return;
        }
        try (Statement st = context.getConnection().createStatement()) {
            st.execute("ALTER TABLE tickets ALTER COLUMN id SET CACHE " + CACHE);
        }
    }
}
