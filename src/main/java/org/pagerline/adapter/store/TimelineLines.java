package org.pagerline.adapter.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The timeline lines a transaction adds, written together: a few multi-row inserts, and one touch
 * of each ticket's {@code updated_at} at the transaction's end, all its tickets in id order, instead
 * of an insert and an update per line.
 *
 * <p>A page claim, an engine decision or a call's save adds a line per page, step or event, each
 * of which used to be two statements. The touches are what lock the tickets' rows, and taken as the
 * lines came they deadlocked: two transactions touching the same tickets in other orders (the
 * journal's commit of many calls' lines, the engine's of many incidents' pages, the calls of a
 * ticket's voicemail among both). H2 rolls a deadlock victim's whole transaction back, and under
 * load the same commit lost again on every retry, its lines lost with it. So the lines are written
 * before the transaction (or the savepoint piece) commits and before any statement in it that
 * could see them: one naming {@code ticket_events}, or naming {@code tickets} and their
 * {@code updated_at} (or {@code *}), so nothing in the transaction sees the timeline or a ticket's
 * last change without them; the touches wait for the end of the transaction, where every
 * transaction takes them in the same order, unless such a statement comes first. A statement on
 * the tickets' other columns (a ticket's life read) sees neither, and one that moves
 * {@code updated_at} only forward ({@link #MOVE_UPDATED_AT}, a life's save) does what a touch does,
 * in either order: neither writes anything early. An urgent voicemail's commit reads and saves its
 * ticket's life between its lines, and each of those statements wrote the lines so far and touched
 * the ticket again. A piece's touches are dropped with it when it is undone. A touch to an instant
 * the transaction's own statements already moved the ticket to (the voicemail's save of its life at
 * the instant of its last lines, a new ticket's insert at its first line's) would change nothing and
 * is not written.
 */
final class TimelineLines {
    /**
     * How a statement moves a ticket's {@code updated_at} forward to its two parameters' instant, as a
     * touch does: it commutes with the touches, so it needs none written before it.
     */
    static final String MOVE_UPDATED_AT = "updated_at=CASE WHEN updated_at<? THEN ? ELSE updated_at END";
    private static final Pattern NAMES_EVENTS = Pattern.compile("(?i)\\bticket_events\\b");
    private static final Pattern NAMES_TICKETS = Pattern.compile("(?i)\\btickets\\b");
    private static final Pattern NAMES_UPDATED_AT = Pattern.compile("(?i)\\bupdated_at\\b|\\*");
    private static final String INSERT = "INSERT INTO ticket_events (ticket_id, occurred_at, kind, detail) VALUES (?,?,?,?)";
    private static final String TOUCH = "UPDATE tickets SET updated_at=? WHERE id=? AND updated_at<?";

    private record Line(long ticketId, Instant at, String kind, String detail, boolean touch) {}

    private List<Line> lines = new ArrayList<>();
    /** Each ticket's newest line written in the piece under way: kept when it stands, dropped when it is undone. */
    private final Map<Long, Instant> pieceTouches = new TreeMap<>();
    /** Each ticket's newest line written by what stood: touched at the end of the transaction, in ticket order. */
    private final Map<Long, Instant> touches = new TreeMap<>();
    /** Touches of the pieces that stood, written inside the piece under way (undone with it, then kept again). */
    private final Map<Long, Instant> touchedForEarlier = new TreeMap<>();

    /**
     * Each ticket's {@code updated_at} as this transaction's own statements left it, at least (a save
     * that moved it forward, a write that set it): a touch to no later instant would change nothing
     * and is not written. The pieces that stood ({@code moved}) and the piece under way
     * ({@code pieceMoved}, which overrides them and is forgotten when the piece is undone).
     */
    private final Map<Long, Instant> moved = new java.util.HashMap<>();
    private final Map<Long, Instant> pieceMoved = new java.util.HashMap<>();

    /** A statement of this transaction moved the ticket's {@code updated_at} forward to {@code at} at least. */
    void movedTo(long ticketId, Instant at) {
        if (at != null) {   // a move to no instant leaves the row as it was
            pieceMoved.put(ticketId, later(leftAt(ticketId), at));
        }
    }

    /** A statement of this transaction set the ticket's {@code updated_at} to {@code at} (forward or back). */
    void setTo(long ticketId, Instant at) {
        if (at == null) {
            pieceMoved.remove(ticketId);
            moved.remove(ticketId);   // nothing known of it now (a piece undone later only knows less)
        } else {
            pieceMoved.put(ticketId, at);
        }
    }

    /** The least {@code updated_at} this transaction's own statements left the ticket at; null if none known. */
    private Instant leftAt(long ticketId) {
        Instant p = pieceMoved.get(ticketId);
        return p != null ? p : moved.get(ticketId);
    }

    /** A line for the ticket's timeline; {@code touch}: its {@code updated_at} moves to the line's instant. */
    void add(long ticketId, Instant at, String kind, String detail, boolean touch) {
        String d = detail == null ? "" : detail.length() > 2000 ? detail.substring(0, 1997) + "..." : detail;
        lines.add(new Line(ticketId, at, kind, d, touch));
    }

    /** True when {@code sql} could see lines or touches not yet written (run {@link #write} first). */
    boolean pendingFor(String sql) {
        if (lines.isEmpty() && pieceTouches.isEmpty() && touches.isEmpty()) {
            return false;
        }
        int sees = sees(sql);
        // the lines' own insert names the timeline, not the tickets: it never writes the touches early
        return !lines.isEmpty() && sees != 0 || (!pieceTouches.isEmpty() || !touches.isEmpty()) && (sees & TOUCHES) != 0;
    }

    private static final int LINES = 1;
    private static final int TOUCHES = 2;

    /**
     * What {@code sql} could see: the lines ({@link #LINES}) when it names the timeline, the touches
     * too ({@link #TOUCHES}) when it names the tickets with their {@code updated_at} (or all their
     * columns). Remembered per statement text (the texts are the stores' constants, a few hundred):
     * the patterns ran on nearly every statement of a busy line, and their matchers were a few
     * percent of what the journal allocated.
     */
    private static int sees(String sql) {
        Integer b = SEEN.get(sql);
        if (b == null) {
            b = NAMES_TICKETS.matcher(sql).find() && NAMES_UPDATED_AT.matcher(sql.replace(MOVE_UPDATED_AT, "")).find()
                    ? LINES | TOUCHES
                    : NAMES_EVENTS.matcher(sql).find() ? LINES : 0;
            if (SEEN.size() < SEEN_MAX) {
                SEEN.put(sql, b);
            }
        }
        return b;
    }

    private static final int SEEN_MAX = 4096;
    private static final Map<String, Integer> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Writes the lines added since the last write (each ticket's keep their order); their touches
     * wait for {@link #settle} and {@link #writeTouches}, unless {@code touchNow}.
     */
    void write(Jdbc db, boolean touchNow) {
        if (!lines.isEmpty()) {
            List<Line> out = lines;
            lines = new ArrayList<>();   // the statements below must not write them again
            out.sort(Comparator.comparingLong(Line::ticketId));   // stable: a ticket's lines in the order added
            List<Object[]> rows = new ArrayList<>(out.size());
            for (Line l : out) {
                rows.add(new Object[] {l.ticketId(), l.at(), l.kind(), l.detail()});
                if (l.touch()) {
                    pieceTouches.merge(l.ticketId(), l.at(), TimelineLines::later);
                }
            }
            insert(db, rows);
        }
        if (touchNow) {
            touch(db);
        }
    }

    /** The newest instant the ticket is yet to be touched to: by a line not yet written, or a touch not yet written. */
    Optional<Instant> unwrittenTouch(long ticketId) {
        Instant at = later(touches.get(ticketId), pieceTouches.get(ticketId));
        for (Line l : lines) {
            if (l.touch() && l.ticketId() == ticketId) {
                at = later(at, l.at());
            }
        }
        return Optional.ofNullable(at);
    }

    /** The piece under way stood (its savepoint released): its touches are the transaction's. */
    void settle() {
        pieceTouches.forEach((id, at) -> touches.merge(id, at, TimelineLines::later));
        pieceTouches.clear();
        touchedForEarlier.clear();
        moved.putAll(pieceMoved);
        pieceMoved.clear();
    }

    /** At the end of the transaction, before its commit: the lines left, then every touch, in ticket order. */
    void writeTouches(Jdbc db) {
        write(db, true);
        settle();
    }

    /**
     * Every touch not yet written, in ticket order: the piece's own (undone with it) and those of the
     * pieces before it that stood, which come back to be written at the end if this piece is undone.
     */
    private void touch(Jdbc db) {
        if (touches.isEmpty() && pieceTouches.isEmpty()) {
            return;
        }
        Map<Long, Instant> all = new TreeMap<>(touches);
        pieceTouches.forEach((id, at) -> all.merge(id, at, TimelineLines::later));
        touches.forEach((id, at) -> touchedForEarlier.merge(id, at, TimelineLines::later));
        touches.clear();   // the batch below must not write them again
        pieceTouches.clear();
        List<Object[]> rows = new ArrayList<>(all.size());
        all.forEach((id, at) -> {
            Instant left = leftAt(id);
            if (left == null || left.isBefore(at)) {   // else the row is there already: the touch would change nothing
                rows.add(new Object[] {at, id, at});
            }
        });
        if (!rows.isEmpty()) {
            db.batch(TOUCH, rows);
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
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

    /** Forgets the lines not yet written and the touches of the piece under way (it was rolled back). */
    void discard() {
        lines = new ArrayList<>();
        pieceTouches.clear();
        pieceMoved.clear();
        touchedForEarlier.forEach((id, at) -> touches.merge(id, at, TimelineLines::later));
        touchedForEarlier.clear();
    }
}
