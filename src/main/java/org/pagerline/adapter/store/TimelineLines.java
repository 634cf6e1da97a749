package org.pagerline.adapter.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The timeline lines a transaction adds, written together: a few multi-row inserts and one touch of
 * each ticket's {@code updated_at}, in ticket order, instead of an insert and an update per line.
 *
 * <p>A page claim, an engine decision or a call's save adds a line per page, step or event, each
 * of which used to be two statements, and the touches locked the tickets in whatever order the
 * lines came: two transactions touching the same tickets in another order deadlocked. The lines
 * are written before the transaction (or the savepoint piece) commits, and before any statement
 * that reads or writes {@code tickets} or {@code ticket_events} in it, so nothing in the
 * transaction sees the timeline without them.
 */
final class TimelineLines {
    private static final Pattern SEES_THEM = Pattern.compile("(?i)\\b(tickets|ticket_events)\\b");
    private static final String INSERT = "INSERT INTO ticket_events (ticket_id, occurred_at, kind, detail) VALUES (?,?,?,?)";
    private static final String TOUCH = "UPDATE tickets SET updated_at=? WHERE id=? AND updated_at<?";

    private record Line(long ticketId, Instant at, String kind, String detail, boolean touch) {}

    private List<Line> lines = new ArrayList<>();

    /** A line for the ticket's timeline; {@code touch}: its {@code updated_at} moves to the line's instant. */
    void add(long ticketId, Instant at, String kind, String detail, boolean touch) {
        String d = detail == null ? "" : detail.length() > 2000 ? detail.substring(0, 1997) + "..." : detail;
        lines.add(new Line(ticketId, at, kind, d, touch));
    }

    /** True when {@code sql} could see lines not yet written (run {@link #write} first). */
    boolean pendingFor(String sql) {
        return !lines.isEmpty() && SEES_THEM.matcher(sql).find();
    }

    /** Writes the lines added since the last write; each ticket's keep their order. */
    void write(Jdbc db) {
        if (lines.isEmpty()) {
            return;
        }
        List<Line> out = lines;
        lines = new ArrayList<>();   // the statements below must not write them again
        out.sort(Comparator.comparingLong(Line::ticketId));   // stable: a ticket's lines in the order added
        List<Object[]> rows = new ArrayList<>(out.size());
        Map<Long, Instant> newest = new TreeMap<>();
        for (Line l : out) {
            rows.add(new Object[] {l.ticketId(), l.at(), l.kind(), l.detail()});
            if (l.touch()) {
                newest.merge(l.ticketId(), l.at(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        insert(db, rows);
        if (!newest.isEmpty()) {
            List<Object[]> touches = new ArrayList<>(newest.size());
            newest.forEach((id, at) -> touches.add(new Object[] {at, id, at}));
            db.batch(TOUCH, touches);
        }
    }

    /**
     * The lines, in their order, in as few statements as a handful of fixed sizes allows
     * ({@link #CHUNKS} rows, then fewer): one multi-row {@code INSERT} costs the database one
     * statement where a JDBC batch costs one per row (on H2 each opens a snapshot of the table and
     * its index), and the few distinct texts stay in the statement caches.
     */
    private static void insert(Jdbc db, List<Object[]> rows) {
        int at = 0;
        while (at < rows.size()) {
            int left = rows.size() - at;
            int n = CHUNKS;
            while (n > left) {
                n /= 2;
            }
            Object[] args = new Object[n * 4];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows.get(at + i), 0, args, i * 4, 4);
            }
            db.update(INSERTS[Integer.numberOfTrailingZeros(n)], args);
            at += n;
        }
    }

    /** The most rows one {@code INSERT} carries (a power of two). */
    static final int CHUNKS = 16;
    /** {@code INSERTS[k]}: the insert of 2^k rows. */
    private static final String[] INSERTS = new String[Integer.numberOfTrailingZeros(CHUNKS) + 1];

    static {
        for (int k = 0; k < INSERTS.length; k++) {
            StringBuilder b = new StringBuilder(INSERT);
            for (int i = 1; i < 1 << k; i++) {
                b.append(",(?,?,?,?)");
            }
            INSERTS[k] = b.toString();
        }
    }

    /** Forgets the lines not yet written (their piece was rolled back). */
    void discard() {
        lines = new ArrayList<>();
    }
}
