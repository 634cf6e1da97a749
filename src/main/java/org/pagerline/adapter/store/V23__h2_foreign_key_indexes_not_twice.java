package org.pagerline.adapter.store;

import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * H2 only: the timeline, the calls and the priority changes are indexed by ticket once, not
 * twice. H2 gives each foreign key an index of its own on the referencing column (here
 * {@code ticket_id}), and its entries are ordered by the row's id after the column, so it is the
 * same index as the {@code (ticket_id, id)} ones the schema adds for PostgreSQL (which indexes no
 * foreign key by itself). On H2 every timeline line and every call wrote both; under load H2's page
 * store, which writes every page a commit changed, is the support line's slowest serial step.
 * The reads by ticket use the foreign key's index and sort the ticket's rows by id. PostgreSQL:
 * nothing.
 */
@SuppressWarnings("checkstyle:TypeName")
public class V23__h2_foreign_key_indexes_not_twice extends BaseJavaMigration {
    /** The indexes the foreign keys' own indexes duplicate on H2. */
    static final List<String> TWICE = List.of("ticket_events_ticket", "calls_ticket", "ticket_priority_changes_ticket");

    @Override
    public void migrate(Context context) throws Exception {
        String product = Jdbc.product(context.getConnection());
        if (!product.contains("h2")) {
            return;
        }
        try (Statement st = context.getConnection().createStatement()) {
            for (String index : TWICE) {
                st.execute("DROP INDEX " + index);
            }
        }
    }
}
