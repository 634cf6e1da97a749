package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * H2 only: the identity columns of the busy tables hand out ids from a cache of {@value #CACHE}
 * instead of H2's 32. H2 writes an identity's next value to its file each time its cache runs out,
 * in a commit of its own: on the support line's timeline table that was one extra commit every 32
 * lines, most of the CPU of adding a line under load. The cost of a bigger cache is only a gap in
 * those ids after a crash. Ticket numbers (spoken to callers) keep H2's default, so a crash leaves
 * a gap of 32 at most there. PostgreSQL: nothing (its sequences are not written per cache).
 */
@SuppressWarnings("checkstyle:TypeName")
public class V16__h2_identity_caches extends BaseJavaMigration {
    static final int CACHE = 1024;

    @Override
    public void migrate(Context context) throws Exception {
        String product = Jdbc.product(context.getConnection());
        if (!product.contains("h2")) {
            return;
        }
        List<String[]> identities = new ArrayList<>();
        try (Statement st = context.getConnection().createStatement();
                ResultSet rs = st.executeQuery("SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE TABLE_SCHEMA=CURRENT_SCHEMA AND IS_IDENTITY='YES' AND TABLE_NAME<>'TICKETS'")) {
            while (rs.next()) {
                identities.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement st = context.getConnection().createStatement()) {
            for (String[] id : identities) {
                st.execute("ALTER TABLE \"" + id[0] + "\" ALTER COLUMN \"" + id[1] + "\" SET CACHE " + CACHE);
            }
        }
    }
}
