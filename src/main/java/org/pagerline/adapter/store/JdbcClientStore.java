package org.pagerline.adapter.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.directory.Client;
import org.pagerline.core.directory.ClientStore;

final class JdbcClientStore implements ClientStore {
    private final Jdbc db;

    JdbcClientStore(Jdbc db) {
        this.db = db;
    }

    @Override
    public Client insert(Client c, Instant at) {
        long id = db.insert("INSERT INTO clients (company, contact_name, created_at) VALUES (?,?,?)",
                c.company(), c.contactName(), at);
        List<Object[]> rows = new ArrayList<>();
        for (String p : c.phones()) {
            rows.add(new Object[] {id, p});
        }
        if (!rows.isEmpty()) {
            db.batch("INSERT INTO client_phones (client_id, phone) VALUES (?,?)", rows);
        }
        return find(id).orElseThrow();
    }

    @Override
    public Optional<Client> find(long id) {
        return load("WHERE c.id=?", id).stream().findFirst();
    }

    @Override
    public Optional<Client> findByPhone(String e164) {
        return load("WHERE c.id IN (SELECT client_id FROM client_phones WHERE phone=?)", e164).stream().findFirst();
    }

    @Override
    public List<Client> list() {
        return load("");
    }

    @Override
    public boolean delete(long id) {
        db.update("DELETE FROM client_phones WHERE client_id=?", id);
        return db.update("DELETE FROM clients WHERE id=?", id) > 0;
    }

    private List<Client> load(String where, Object... args) {
        record Row(long id, String company, String contact, String phone) {}
        List<Row> rows = db.list("SELECT c.id, c.company, c.contact_name, p.phone FROM clients c"
                        + " LEFT JOIN client_phones p ON p.client_id=c.id " + where
                        + " ORDER BY LOWER(c.company), LOWER(c.contact_name), c.id, p.phone",
                rs -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)), args);
        Map<Long, List<Row>> byId = new LinkedHashMap<>();
        rows.forEach(r -> byId.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r));
        List<Client> out = new ArrayList<>();
        byId.forEach((id, rs) -> out.add(new Client(id, rs.get(0).company(), rs.get(0).contact(),
                rs.stream().map(Row::phone).filter(p -> p != null).toList())));
        return out;
    }
}
