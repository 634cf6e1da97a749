package org.pagerline.adapter.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates Quartz's JDBC job store tables from the DDL that ships inside the Quartz jar, so the
 * schema always matches the Quartz version we run. The scripts' DROP statements, comments and
 * COMMITs are skipped: Flyway owns the transaction.
 */
@SuppressWarnings("checkstyle:TypeName")
public class V2__quartz_tables extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        String product = Jdbc.product(context.getConnection());
        String script = product.contains("postgres") ? "tables_postgres.sql" : "tables_h2.sql";
        try (Statement st = context.getConnection().createStatement()) {
            for (String sql : statements(script)) {
                st.execute(sql);
            }
        }
    }

    static List<String> statements(String script) throws IOException {
        String text;
        try (InputStream in = V2__quartz_tables.class.getResourceAsStream("/org/quartz/impl/jdbcjobstore/" + script)) {
            if (in == null) {
                throw new IOException("Quartz DDL " + script + " not found on the class path");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder cleaned = new StringBuilder();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (!t.startsWith("--") && !t.startsWith("#")) {
                cleaned.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String raw : cleaned.toString().split(";")) {
            String sql = raw.strip();
            String upper = sql.toUpperCase(Locale.ROOT);
            if (sql.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                continue;
            }
            out.add(sql);
        }
        return out;
    }
}
