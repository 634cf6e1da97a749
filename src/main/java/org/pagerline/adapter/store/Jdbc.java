package org.pagerline.adapter.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers shared by the stores: parameters, row mapping, SQLException unwrapping. */
final class Jdbc {
    /**
     * The lower bound of a range scan on a nullable indexed instant ({@code col>=? AND col<=?}). H2
     * keeps NULLs first in an index and, given only an upper bound, reads every NULL before the
     * first value: every closed ticket and incident on each clock and escalation pass (24,557 rows
     * read for none due, 61 ms, after a 500-caller run). No instant pagerline writes is earlier.
     */
    static final Instant EARLIEST = Instant.EPOCH;

    private final Connection c;
    private final TimelineLines timeline = new TimelineLines();
    /** Whether a ticket another transaction holds fails the piece at once ({@link #lockTicket}). */
    private final boolean ticketsAtOnce;
    /** The rows ("tickets 12", "incidents 3") this transaction holds: locked by the pieces that stood, or inserted by them. */
    private final java.util.Set<String> rowsHeld = new java.util.HashSet<>();
    /** The rows the piece under way locked or inserted (forgotten if it is undone). */
    private final java.util.Set<String> pieceRowsHeld = new java.util.HashSet<>();
    private Boolean postgres;
    /** What runs once the transaction has committed: the pieces' that stood, and the piece's under way. */
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<Runnable> pieceAfterCommit = new ArrayList<>();

    Jdbc(Connection c) {
        this(c, false);
    }

    /** @param ticketsAtOnce see {@link #lockTicket} */
    Jdbc(Connection c, boolean ticketsAtOnce) {
        this.c = c;
        this.ticketsAtOnce = ticketsAtOnce;
    }

    /**
     * Before a statement that locks the ticket's row (an update, a timeline line's touch, a call
     * naming it): in a transaction that locks tickets at once (the call journal's commits, many
     * callers' work together), takes the row now without waiting, and throws
     * {@link org.pagerline.service.TicketLockedException} if another transaction holds it, so that one
     * ticket held elsewhere (a frozen node's transaction, a lock taken by hand) holds up only its own
     * caller's piece, written again on its own, not every piece of the commit. Otherwise nothing: the
     * statement waits for the row as any would. PostgreSQL takes the lock an update takes
     * ({@code FOR NO KEY UPDATE}: rows naming the ticket can still be inserted beside it).
     */
    void lockTicket(long ticketId) {
        lockAtOnce("tickets", ticketId, "ticket " + ticketId);
    }

    /**
     * As {@link #lockTicket}, before an update of an incident's row (an urgent voicemail joining the
     * incident on its ticket, which another node's escalation engine may hold in its pass).
     */
    void lockIncident(long incidentId) {
        lockAtOnce("incidents", incidentId, "incident " + incidentId);
    }

    private void lockAtOnce(String table, long id, String what) {
        String row = table + " " + id;
        if (!ticketsAtOnce || rowsHeld.contains(row) || pieceRowsHeld.contains(row)) {
            return;
        }
        String sql = "SELECT id FROM " + table + " WHERE id=? " + (postgres() ? "FOR NO KEY UPDATE NOWAIT" : "FOR UPDATE NOWAIT");
        try {
            read(sql, rs -> rs.getLong(1), id);
            pieceRowsHeld.add(row);
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql2 && lockNotAvailable(sql2)) {
                JdbcTransactions.ticketFoundHeld();
                throw new org.pagerline.service.TicketLockedException(what, sql2);
            }
            throw e;
        }
    }

    /** A ticket this transaction inserted: its row is its own. */
    void insertedTicket(long ticketId) {
        pieceRowsHeld.add("tickets " + ticketId);
    }

    /** NOWAIT found the row locked: PostgreSQL's lock_not_available, H2's lock timeout. */
    private static boolean lockNotAvailable(SQLException e) {
        return "55P03".equals(e.getSQLState()) || e.getErrorCode() == 50200;
    }

    /** The piece under way was rolled back to its savepoint: its lines, touches, locks and after-commit work with it. */
    void pieceUndone() {
        timeline.discard();
        pieceRowsHeld.clear();
        pieceAfterCommit.clear();
    }

    /** {@code then} runs once the transaction has committed with the piece under way ({@link #committed}). */
    void afterCommit(Runnable then) {
        pieceAfterCommit.add(then);
    }

    /** The transaction committed: runs what waited for it, in order (a failure is logged, the rest still run). */
    void committed() {
        afterCommit.addAll(pieceAfterCommit);
        pieceAfterCommit.clear();
        for (Runnable r : afterCommit) {
            try {
                r.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Jdbc.class).warn("after a commit: {}", e.toString(), e);
            }
        }
        afterCommit.clear();
    }

    /** The timeline lines this transaction has added and not yet written. */
    TimelineLines timeline() {
        return timeline;
    }

    /** Before a piece's savepoint is released: the lines it added; its touches are kept for the commit. */
    void writeTimeline() {
        timeline.write(this, false);
        timeline.settle();
        rowsHeld.addAll(pieceRowsHeld);
        pieceRowsHeld.clear();
        afterCommit.addAll(pieceAfterCommit);
        pieceAfterCommit.clear();
    }

    /** Before the commit: the lines left and every ticket's touch, in ticket order ({@link TimelineLines}). */
    void finishTimeline() {
        timeline.writeTouches(this);
    }

    /** Lines (and touches) not yet written reach the database before a statement that could see them. */
    private void before(String sql) {
        if (timeline.pendingFor(sql)) {
            timeline.write(this, true);
        }
    }

    /** True on PostgreSQL (several nodes may share it), false on H2 (one node). */
    boolean postgres() {
        if (postgres == null) {
            try {
                postgres = product(c).contains("postgres");
            } catch (SQLException e) {
                throw new StoreException("database product name", e);
            }
        }
        return postgres;
    }

    /** The database's product name, lower case ("h2", "postgresql"): what the migrations and {@link #postgres} tell apart. */
    static String product(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Ids written out for an {@code IN (...)} list ("3,7,12"): numbers only, so nothing to bind or
     * escape, and a statement H2 plans for its ids alone (not empty: the caller has returned before).
     */
    static String idList(java.util.Collection<Long> ids) {
        StringBuilder in = new StringBuilder();
        for (long id : ids) {
            in.append(in.length() == 0 ? "" : ",").append(id);
        }
        return in.toString();
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Instant in) {
                ps.setObject(i + 1, ts(in));
            } else if (a instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, a);
            }
        }
    }

    <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
        before(sql);
        return read(sql, mapper, args);
    }

    /**
     * One row of {@code tickets} by its id, read without writing the transaction's lines and touches
     * first: the caller moves its {@code updated_at} forward to {@link #unwrittenTouch} itself. A
     * ticket read by id in the middle of a commit (an urgent voicemail's) wrote them early, and they
     * were written again at its end.
     */
    <T> Optional<T> oneTicketAsItIs(String sql, RowMapper<T> mapper, long ticketId) {
        List<T> rows = read(sql, mapper, ticketId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** The newest instant this transaction has yet to touch the ticket to, if any. */
    Optional<Instant> unwrittenTouch(long ticketId) {
        return timeline.unwrittenTouch(ticketId);
    }

    private <T> List<T> read(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = list(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String sql, Object... args) {
        before(sql);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    /** Runs an INSERT and returns the generated id. */
    long insert(String sql, Object... args) {
        before(sql);
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                if (!rs.next()) {
                    throw new StoreException(sql, new SQLException("no generated key"));
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    void batch(String sql, List<Object[]> rows) {
        before(sql);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    /**
     * {@code rows} (each as wide as the column list) inserted by one multi-row statement, {@code head}
     * being {@code INSERT INTO t (a, b, ...)}: one statement for the database where a batch is one per
     * row. For a few rows at a time (a statement text per count); many rows go in a batch.
     */
    void insertRows(String head, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int cols = rows.get(0).length;
        StringBuilder sql = new StringBuilder(head).append(" VALUES ");
        Object[] args = new Object[rows.size() * cols];
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows.get(r).length + " values, not " + cols);
            }
            sql.append(r == 0 ? "(" : ",(").append("?,".repeat(cols - 1)).append("?)");
            System.arraycopy(rows.get(r), 0, args, r * cols, cols);
        }
        update(sql.toString(), args);
    }

    /** A batch, with each row's update count. */
    int[] batchCounts(String sql, List<Object[]> rows) {
        before(sql);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            return ps.executeBatch();
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    void execute(String sql) {
        before(sql);
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }
}
