package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageLogStore;
import org.pagerline.core.page.PageState;

/** The page list over the outbox ({@code pages}) and the test pages ({@code test_pages}). */
final class JdbcPageLogStore implements PageLogStore {
    private static final String PAGES = "SELECT id, incident_id, technician_name, channel, to_number, kind, state,"
            + " COALESCE(sent_at, created_at) AS at_time, attempts, provider_id, last_error FROM pages";
    private static final String TESTS = "SELECT id, technician_name, channel, to_number, provider, state,"
            + " COALESCE(sent_at, created_at) AS at_time, provider_id, detail FROM test_pages";

    private final Jdbc db;

    JdbcPageLogStore(Jdbc db) {
        this.db = db;
    }

    private static Entry page(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong("id"), false, rs.getLong("incident_id"), rs.getString("technician_name"),
                Channel.valueOf(rs.getString("channel")), rs.getString("to_number"), PageKind.valueOf(rs.getString("kind")),
                PageState.valueOf(rs.getString("state")), Jdbc.instant(rs, "at_time"), rs.getInt("attempts"), null,
                rs.getString("provider_id"), rs.getString("last_error"));
    }

    private static Entry test(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong("id"), true, null, rs.getString("technician_name"),
                Channel.valueOf(rs.getString("channel")), rs.getString("to_number"), PageKind.NOTICE,
                PageState.valueOf(rs.getString("state")), Jdbc.instant(rs, "at_time"), 1, rs.getString("provider"),
                rs.getString("provider_id"), rs.getString("detail"));
    }

    @Override
    public List<Entry> pages(Long incidentId, Instant since, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        if (incidentId != null) {
            where.append(" WHERE incident_id=?");
            args.add(incidentId);
        }
        if (since != null) {
            where.append(where.length() == 0 ? " WHERE" : " AND").append(" COALESCE(sent_at, created_at) >= ?");
            args.add(since);
        }
        String first = " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY";
        List<Entry> out = new ArrayList<>(db.list(PAGES + where + " ORDER BY at_time DESC, id DESC" + first,
                JdbcPageLogStore::page, args.toArray()));
        if (incidentId == null) {
            String w = since == null ? "" : " WHERE COALESCE(sent_at, created_at) >= ?";
            Object[] a = since == null ? new Object[0] : new Object[] {since};
            out.addAll(db.list(TESTS + w + " ORDER BY at_time DESC, id DESC" + first, JdbcPageLogStore::test, a));
            out.sort(Comparator.comparing(Entry::at).reversed());
            if (out.size() > limit) {
                out = new ArrayList<>(out.subList(0, limit));
            }
        }
        return out;
    }

    @Override
    public long insertTest(Long technicianId, String technicianName, Channel channel, String to, String provider, Instant at) {
        return db.insert("INSERT INTO test_pages (technician_id, technician_name, channel, to_number, provider, state,"
                + " created_at) VALUES (?,?,?,?,?,?,?)", technicianId, technicianName, channel, to, provider,
                PageState.SENDING, at);
    }

    @Override
    public void updateTest(long id, PageState state, String providerId, String detail, Instant sentAt) {
        db.update("UPDATE test_pages SET state=?, provider_id=COALESCE(?, provider_id), detail=?,"
                + " sent_at=COALESCE(sent_at, ?) WHERE id=?", state, providerId, cut(detail), sentAt, id);
    }

    private static String cut(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }

    @Override
    public Optional<Entry> test(long id) {
        return db.one(TESTS + " WHERE id=?", JdbcPageLogStore::test, id);
    }
}
