package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.PageStore;

final class JdbcPageStore implements PageStore {
    private static final String COLS = "id, incident_id, ticket_id, technician_id, technician_name, channel, to_number, kind,"
            + " reply_code, body, step_no, cycle_no, fallback, state, attempts, created_at, next_attempt_at, claimed_at,"
            + " sent_at, provider_id, last_error, notice";
    private static final String P_COLS = String.join(", ",
            java.util.Arrays.stream(COLS.split(",")).map(c -> "p." + c.trim()).toList());
    private final Jdbc db;

    JdbcPageStore(Jdbc db) {
        this.db = db;
    }

    private static Page row(ResultSet rs) throws SQLException {
        return new Page(rs.getLong("id"), rs.getLong("incident_id"), rs.getLong("ticket_id"),
                Jdbc.nullableLong(rs, "technician_id"), rs.getString("technician_name"),
                Channel.valueOf(rs.getString("channel")), rs.getString("to_number"), PageKind.valueOf(rs.getString("kind")),
                rs.getString("reply_code"), rs.getString("body"), rs.getInt("step_no"), rs.getInt("cycle_no"),
                rs.getBoolean("fallback"), PageState.valueOf(rs.getString("state")), rs.getInt("attempts"),
                Jdbc.instant(rs, "created_at"), Jdbc.instant(rs, "next_attempt_at"), Jdbc.instant(rs, "claimed_at"),
                Jdbc.instant(rs, "sent_at"), rs.getString("provider_id"), rs.getString("last_error"), notice(rs));
    }

    /** A notice's name as written, or null: one written by a later version, unknown here, is read as none. */
    private static Notice notice(ResultSet rs) throws SQLException {
        String n = rs.getString("notice");
        if (n == null) {
            return null;
        }
        try {
            return Notice.valueOf(n);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A new page's columns; {@link #values} gives a page's, in this order. */
    private static final String INSERT = "INSERT INTO pages (incident_id, ticket_id, technician_id, technician_name,"
            + " channel, to_number, kind, reply_code, body, step_no, cycle_no, fallback, state, attempts, created_at,"
            + " next_attempt_at, notice)";
    private static final String ONE_ROW = " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    /** The values {@link #INSERT} names, of one page. */
    private static Object[] values(Page p) {
        return new Object[] {p.incidentId() == 0 ? null : p.incidentId(), p.ticketId(), p.technicianId(), p.technicianName(),
            p.channel(), p.to(), p.kind(), p.replyCode(), fit(p.text()), p.step(), p.cycle(), p.fallback(), p.state(),
            p.attempts(), p.createdAt(), p.nextAttemptAt(), p.notice() == null ? null : p.notice().name()};
    }

    @Override
    public long insert(Page p) {
        return db.insert(INSERT + ONE_ROW, values(p));
    }

    /**
     * Up to this many pages go in one multi-row INSERT (each row count is a statement text of its own
     * in the statement caches); more in a batch.
     */
    static final int INSERT_ROWS = 16;

    @Override
    public void insertAll(List<Page> pages) {
        List<Object[]> rows = pages.stream().map(JdbcPageStore::values).toList();
        if (rows.size() <= INSERT_ROWS) {   // an escalation step's pages: one statement (H2 runs a batch row by row)
            db.insertRows(INSERT, rows);
        } else {
            db.batch(INSERT + ONE_ROW, rows);
        }
    }

    @Override
    public Optional<Page> find(long id) {
        return db.one("SELECT " + COLS + " FROM pages WHERE id=?", JdbcPageStore::row, id);
    }

    @Override
    public Optional<Page> findByProviderId(String providerId) {
        return db.one("SELECT " + COLS + " FROM pages WHERE provider_id=? ORDER BY id DESC", JdbcPageStore::row, providerId);
    }

    @Override
    public List<Page> forIncident(long incidentId) {
        return db.list("SELECT " + COLS + " FROM pages WHERE incident_id=? ORDER BY id", JdbcPageStore::row, incidentId);
    }

    /** The claim lock's key: {@code pg_advisory_xact_lock} keys share one space per database. */
    static final long CLAIM_LOCK = AdvisoryLock.key("outbox-claims");

    @Override
    public void holdClaims() {
        if (db.postgres()) {
            // a transaction-scoped lock: released by the claim transaction's commit or rollback, or
            // by the connection's end if the node dies; taken before the first read, so the reads
            // that follow (READ COMMITTED) see every claim the other nodes committed
            db.list("SELECT pg_advisory_xact_lock(?)", rs -> 1, CLAIM_LOCK);
        }
    }

    @Override
    public List<Page> duePending(Instant now, Instant liveClaimsSince, int limit) {
        int n = Math.max(1, limit);
        // who-took-it notices first (never held behind pages), then pages, then the notices that can
        // wait; each class oldest first, read in an index's order only as far as needed
        List<Page> out = new ArrayList<>(db.list(dueOfStep(PageKind.NOTICE, Page.TAKEN_STEP, n), JdbcPageStore::row,
                now, liveClaimsSince));
        if (out.size() < n) {
            // across the policy's steps, through pages_due_by_kind (V20): hundreds wait out a bundle gap in an outage
            out.addAll(db.list(dueOfKind(PageKind.PAGE, n - out.size()), JdbcPageStore::row, now, liveClaimsSince));
        }
        if (out.size() < n) {
            int left = n - out.size();
            // notices not caused by a policy step (late call-back, service level, "left ANOTHER urgent
            // message"): the many, in index order; and those of policy steps (0 and up), few: sorted
            List<Page> notices = new ArrayList<>(db.list(dueOfStep(PageKind.NOTICE, Page.OTHER_STEP, left),
                    JdbcPageStore::row, now, liveClaimsSince));
            notices.addAll(db.list(duePolicyStepNotices(), JdbcPageStore::row, now, liveClaimsSince));
            notices.sort(java.util.Comparator.comparing(Page::nextAttemptAt).thenComparing(Page::id));
            out.addAll(notices.subList(0, Math.min(left, notices.size())));
        }
        return out;
    }

    /** The numbers a paging call is being placed to under a claim made at or after the one parameter. */
    private static final String BEING_CALLED = "SELECT to_number FROM pages WHERE state='SENDING' AND channel='VOICE'"
            + " AND claimed_at>=?";

    /**
     * Due and pending, leaving out a call to a phone another call is being placed to (one call per
     * phone at a time): it leaves its place in this read to pages for other phones.
     */
    private static final String DUE = "SELECT " + COLS + " FROM pages WHERE state='PENDING' AND next_attempt_at<=?"
            + " AND NOT (channel='VOICE' AND to_number IN (" + BEING_CALLED + "))";

    /**
     * The due pages of one kind and step, oldest first, read in pages_due_by_class's order (H2 reads
     * an index in order only for an ORDER BY naming its columns from the first): stops at {@code n}.
     */
    static String dueOfStep(PageKind kind, int step, int n) {
        return DUE + " AND kind='" + kind.name() + "' AND step_no=" + step
                + " ORDER BY state, kind, step_no, next_attempt_at, id FETCH FIRST " + n + " ROWS ONLY";
    }

    /**
     * The due notices of the policy's steps (a late call-back after an acknowledgement, steps 0 and
     * up): few at any time. All of them, as a range of pages_due_by_class (ordered by its columns,
     * or H2 sorts every due notice instead), step by step; {@link #duePending} orders them by time.
     */
    static String duePolicyStepNotices() {
        return DUE + " AND kind='NOTICE' AND step_no>=0 ORDER BY state, kind, step_no, next_attempt_at, id";
    }

    /** The due pages of one kind, oldest first across steps, read in pages_due_by_kind's order: stops at {@code n}. */
    static String dueOfKind(PageKind kind, int n) {
        return DUE + " AND kind='" + kind.name() + "' ORDER BY state, kind, next_attempt_at, id FETCH FIRST " + n
                + " ROWS ONLY";
    }

    @Override
    public java.util.Set<String> phonesBeingCalled(Instant claimedAfter) {
        return new java.util.HashSet<>(db.list(BEING_CALLED, rs -> rs.getString(1), claimedAfter));
    }

    @Override
    public List<Page> staleSending(Instant claimedBefore, int limit) {
        return db.list("SELECT " + COLS + " FROM pages WHERE state='SENDING' AND claimed_at<? ORDER BY claimed_at, id"
                + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", JdbcPageStore::row, claimedBefore);
    }

    @Override
    public boolean claim(long id, PageState from, Instant expectedClaim, Instant now) {
        if (from == PageState.PENDING) {
            return db.update("UPDATE pages SET state='SENDING', claimed_at=?, attempts=attempts+1, next_attempt_at=NULL"
                    + " WHERE id=? AND state='PENDING'", now, id) == 1;
        }
        return db.update("UPDATE pages SET claimed_at=?, attempts=attempts+1 WHERE id=? AND state='SENDING' AND claimed_at=?",
                now, id, expectedClaim) == 1;
    }

    @Override
    public Optional<Instant> nthNewestHandOver(String to, Instant since, int n) {
        // a page carried inside another (a bundle) was no hand-over of its own
        return db.one("SELECT claimed_at FROM pages WHERE to_number=? AND claimed_at>? AND bundle_of IS NULL"
                + NEWEST_FIRST
                + " OFFSET " + Math.max(0, n - 1) + " ROWS FETCH FIRST 1 ROWS ONLY", rs -> Jdbc.instant(rs, "claimed_at"), to, since);
    }

    private static final String URGENT = "(kind='PAGE' OR (kind='NOTICE' AND step_no=" + Page.TAKEN_STEP + "))";

    /**
     * A phone's hand-overs newest first, as pages_to_unbundled (to_number, bundle_of, claimed_at) holds
     * them: with to_number and bundle_of fixed by the WHERE this is claimed_at's order, but H2 reads an
     * index in order only for an ORDER BY naming its columns from the first. ORDER BY claimed_at alone
     * made it read every hand-over to the phone since the instant asked about, then sort them, to
     * answer with the first (in an outage, hundreds of messages for each page the engine wrote).
     */
    static final String NEWEST_FIRST = " ORDER BY to_number DESC, bundle_of DESC, claimed_at DESC";

    /** Read through the index pages_to_unbundled (V18, V26): never the pages carried inside bundles. */
    static final String LAST_URGENT_HAND_OVER = "SELECT claimed_at FROM pages WHERE to_number=? AND channel=?"
            + " AND claimed_at>? AND bundle_of IS NULL AND incident_id<>? AND " + URGENT
            + NEWEST_FIRST + " FETCH FIRST 1 ROWS ONLY";

    @Override
    public Optional<Instant> lastUrgentHandOver(String to, Channel channel, Instant since, long otherThanIncident) {
        return db.one(LAST_URGENT_HAND_OVER, rs -> Jdbc.instant(rs, "claimed_at"), to, channel, since, otherThanIncident);
    }

    static final String NEWEST_URGENT_HAND_OVER = "SELECT claimed_at, incident_id FROM pages WHERE to_number=?"
            + " AND channel=? AND claimed_at>? AND bundle_of IS NULL AND " + URGENT
            + NEWEST_FIRST + " FETCH FIRST 1 ROWS ONLY";

    @Override
    public Optional<HandOver> newestUrgentHandOver(String to, Channel channel, Instant since) {
        return db.one(NEWEST_URGENT_HAND_OVER, rs -> new HandOver(Jdbc.instant(rs, "claimed_at"), rs.getLong("incident_id")),
                to, channel, since);
    }

    @Override
    public List<Page> pendingUrgentTo(String to, Channel channel, long otherThanIncident) {
        return db.list(PENDING_URGENT_TO, JdbcPageStore::row, to, channel, otherThanIncident);
    }

    // The state test alone made H2 read every page the phone was ever sent (pages_to_unbundled by its
    // first column): in an outage, thousands. A page never tried has no claim and no carrier, and the
    // index ends with the state (V26), so the prefix (to_number, NULL, NULL, 'PENDING') holds exactly
    // the phone's untried pending pages, not the ones cancelled before they went.
    static final String PENDING_URGENT_TO = "SELECT " + COLS + " FROM pages WHERE to_number=? AND bundle_of IS NULL"
            + " AND claimed_at IS NULL AND channel=? AND state='PENDING' AND attempts=0 AND incident_id<>? AND " + URGENT
            + " ORDER BY id";

    @Override
    public List<Page> pendingNoticesTo(String to, Channel channel, long otherThanPage, Instant now, int max) {
        return db.list("SELECT " + COLS + " FROM pages p WHERE to_number=? AND channel=? AND state='PENDING' AND id<>?"
                + " AND kind='NOTICE' AND step_no<>" + Page.TAKEN_STEP + " AND (attempts=0 OR next_attempt_at<=?)"
                + " AND NOT EXISTS (SELECT 1 FROM unconfirmed_sends u WHERE u.page_id=p.id)"
                + " AND NOT EXISTS (SELECT 1 FROM pages c WHERE c.bundle_of=p.id)"
                + " ORDER BY id FETCH FIRST " + Math.max(1, max) + " ROWS ONLY", JdbcPageStore::row, to, channel, otherThanPage,
                now);
    }

    @Override
    public boolean carry(long pageId, long carrierId, Instant at) {
        return db.update("UPDATE pages SET state='SENT', bundle_of=?, claimed_at=?, sent_at=?, next_attempt_at=NULL,"
                + " attempts=attempts+1 WHERE id=? AND state='PENDING'", carrierId, at, at, pageId) == 1;
    }

    @Override
    public int releaseCarried(long carrierId, Instant at) {
        return db.update("UPDATE pages SET state='PENDING', bundle_of=NULL, claimed_at=NULL, sent_at=NULL, next_attempt_at=?"
                + " WHERE bundle_of=? AND state='SENT'", at, carrierId);
    }

    @Override
    public void rewrite(long pageId, String text) {
        db.update("UPDATE pages SET body=? WHERE id=?", fit(text), pageId);
    }

    @Override
    public void reschedule(long id, Instant at, String error) {
        db.update("UPDATE pages SET state='PENDING', next_attempt_at=?, last_error=COALESCE(?, last_error) WHERE id=?"
                + " AND state IN ('PENDING','SENDING','SENT')", at, trim(error), id);
    }

    @Override
    public void markSent(long id, String providerId, Instant at) {
        db.update("UPDATE pages SET state='SENT', provider_id=?, sent_at=? WHERE id=? AND state='SENDING'", providerId, at, id);
    }

    @Override
    public boolean markDelivered(long id) {
        return db.update("UPDATE pages SET state='DELIVERED' WHERE id=? AND state IN ('SENDING','SENT')", id) == 1;
    }

    @Override
    public boolean markFailed(long id, String error) {
        return db.update("UPDATE pages SET state='FAILED', last_error=? WHERE id=? AND state<>'FAILED'", trim(error), id) > 0;
    }

    /** A page's words as the outbox keeps them: at most {@link Page#MAX_TEXT} characters. */
    private static String fit(String text) {
        return text.length() > Page.MAX_TEXT ? text.substring(0, Page.MAX_TEXT - 3) + "..." : text;
    }

    private static String trim(String s) {
        return s == null ? null : s.length() > 500 ? s.substring(0, 497) + "..." : s;
    }

    @Override
    public int cancelPending(long incidentId) {
        return db.update("UPDATE pages SET state='CANCELLED', next_attempt_at=NULL WHERE incident_id=? AND kind='PAGE'"
                + " AND state='PENDING'", incidentId);
    }

    @Override
    public int cancelPendingTicketNotices(long ticketId, Notice notice) {
        // the pending notices are few: found by the due index (state, kind), then by ticket
        return db.update("UPDATE pages SET state='CANCELLED', next_attempt_at=NULL WHERE state='PENDING' AND kind='NOTICE'"
                + " AND ticket_id=? AND incident_id IS NULL AND notice=?", ticketId, notice.name());
    }

    @Override
    public int cancelPendingAll(long incidentId) {
        return db.update("UPDATE pages SET state='CANCELLED', next_attempt_at=NULL WHERE incident_id=? AND state='PENDING'"
                + " AND NOT (kind='NOTICE' AND step_no=?)", incidentId, Page.TAKEN_STEP);
    }

    @Override
    public List<Long> openIncidentsPagedTo(List<String> numbers) {
        if (numbers.isEmpty()) {
            return List.of();
        }
        String in = String.join(",", numbers.stream().map(n -> "?").toList());
        // newest hand-over first: in an older incident's second cycle, its page is the one just received
        return db.list("SELECT p.incident_id FROM pages p JOIN incidents i ON i.id=p.incident_id"
                + " WHERE p.kind='PAGE' AND i.state='OPEN' AND p.claimed_at IS NOT NULL AND p.to_number IN (" + in + ")"
                + " GROUP BY p.incident_id ORDER BY MAX(p.claimed_at) DESC, MAX(p.id) DESC",
                rs -> rs.getLong(1), numbers.toArray());
    }

    @Override
    public Optional<Page> newestPageTo(List<String> numbers) {
        if (numbers.isEmpty()) {
            return Optional.empty();
        }
        String in = String.join(",", numbers.stream().map(n -> "?").toList());
        Object[] args = numbers.toArray();
        Optional<Page> open = db.one("SELECT " + P_COLS + " FROM pages p JOIN incidents i ON i.id=p.incident_id WHERE p.kind='PAGE' AND i.state='OPEN'"
                + " AND p.to_number IN (" + in + ") ORDER BY p.id DESC FETCH FIRST 1 ROWS ONLY", JdbcPageStore::row, args);
        if (open.isPresent()) {
            return open;
        }
        return db.one("SELECT " + COLS + " FROM pages WHERE kind='PAGE' AND to_number IN (" + in + ")"
                + " ORDER BY id DESC FETCH FIRST 1 ROWS ONLY", JdbcPageStore::row, args);
    }

    @Override
    public Optional<Page> newestHandedOverTo(List<String> numbers, PageKind kind, Channel channel) {
        if (numbers.isEmpty()) {
            return Optional.empty();
        }
        String in = String.join(",", numbers.stream().map(n -> "?").toList());
        List<Object> args = new java.util.ArrayList<>(numbers);
        args.add(kind);
        args.add(channel);
        return db.one("SELECT " + COLS + " FROM pages WHERE to_number IN (" + in + ") AND kind=? AND channel=?"
                + " AND claimed_at IS NOT NULL"
                + " AND bundle_of IS NULL ORDER BY claimed_at DESC, id DESC FETCH FIRST 1 ROWS ONLY", JdbcPageStore::row,
                args.toArray());
    }

    @Override
    public List<Page> carriedBy(long pageId) {
        return db.list("SELECT " + COLS + " FROM pages WHERE bundle_of=? ORDER BY id", JdbcPageStore::row, pageId);
    }

    @Override
    public Optional<Instant> nextPending() {
        Instant next = null;
        for (PageKind kind : PageKind.values()) {
            Optional<Instant> first = db.list(nextPendingOf(kind), rs -> Jdbc.instant(rs, "next_attempt_at")).stream()
                    .findFirst();
            if (first.isPresent() && (next == null || first.get().isBefore(next))) {
                next = first.get();
            }
        }
        return Optional.ofNullable(next);
    }

    /**
     * The earliest PENDING page's next attempt of one kind, read as the first entry of its kind in
     * {@code pages_due_by_kind}: a MIN() under a WHERE made H2 read every pending page (thousands
     * held by the bundle gap in an outage) on every engine pass; ordered by the index's own columns
     * it reads one. One read per kind, so that no index of its own (pages_pending, V24) is written
     * with every page's every change of state.
     */
    static String nextPendingOf(PageKind kind) {
        return "SELECT next_attempt_at FROM pages WHERE state='PENDING' AND kind='" + kind.name() + "'"
                + " AND next_attempt_at IS NOT NULL ORDER BY state, kind, next_attempt_at, id FETCH FIRST 1 ROWS ONLY";
    }

    @Override
    public Optional<Instant> oldestSending() {
        return db.list("SELECT MIN(claimed_at) AS m FROM pages WHERE state='SENDING'", rs -> Jdbc.instant(rs, "m"))
                .stream().filter(java.util.Objects::nonNull).findFirst();
    }

    @Override
    public void markUnconfirmed(long pageId, Instant since) {
        if (unconfirmedSince(pageId).isEmpty()) {
            db.update("INSERT INTO unconfirmed_sends (page_id, since) VALUES (?,?)", pageId, since);
        }
    }

    @Override
    public Optional<Instant> unconfirmedSince(long pageId) {
        return db.one("SELECT since FROM unconfirmed_sends WHERE page_id=?", rs -> Jdbc.instant(rs, "since"), pageId);
    }

    @Override
    public boolean providerIdFree(String providerId, long pageId, Instant since) {
        if (db.one("SELECT id FROM pages WHERE provider_id=? AND id<>?", rs -> rs.getLong(1), providerId, pageId).isPresent()) {
            return false;
        }
        // noted: another page's or nobody's (NULL: a look-up could not tell), or this page's from an
        // answer before the unknown hand-over began (an earlier hand-over's record, not that one's)
        return db.one("SELECT provider_id FROM provider_records WHERE provider_id=? AND (page_id IS NULL OR page_id<>?"
                + " OR noted_at<?) FETCH FIRST 1 ROWS ONLY", rs -> rs.getString(1), providerId, pageId, since).isEmpty();
    }

    @Override
    public void noteProviderRecord(String providerId, Long pageId, Instant at) {
        if (providerId == null || providerId.isBlank()) {
            return;
        }
        // a plain insert, never a conflict that could fail the transaction it is part of; once per page
        boolean noted = db.list("SELECT page_id FROM provider_records WHERE provider_id=?", rs -> rs.getObject(1, Long.class),
                providerId).stream().anyMatch(id -> java.util.Objects.equals(id, pageId));
        if (!noted) {
            db.update("INSERT INTO provider_records (provider_id, page_id, noted_at) VALUES (?,?,?)", providerId, pageId, at);
        }
    }

    @Override
    public boolean providerRecordNotedAs(String providerId, long pageId) {
        return db.one("SELECT 1 FROM provider_records WHERE provider_id=? AND page_id=? FETCH FIRST 1 ROWS ONLY",
                rs -> rs.getInt(1), providerId, pageId).isPresent();
    }

    @Override
    public boolean providerRecordNotedAt(long pageId, Instant handedOverAt) {
        return db.one("SELECT 1 FROM provider_records WHERE page_id=? AND noted_at=? FETCH FIRST 1 ROWS ONLY",
                rs -> rs.getInt(1), pageId, handedOverAt).isPresent();
    }

    @Override
    public boolean otherUnaccountedHandOver(long pageId, String to, Channel channel, String body, Instant claimedFrom,
            Instant claimedBy) {
        // an unconfirmed hand-over may have no claim on the page any more (the database lost it: see
        // PageDispatcher's hand-over journal): its since counts then
        String sql = "SELECT p.id FROM pages p WHERE p.to_number=? AND p.channel=? AND p.id<>? AND p.bundle_of IS NULL"
                + " AND ((p.state='SENDING' AND p.claimed_at>=? AND p.claimed_at<=?)"
                + " OR EXISTS (SELECT 1 FROM unconfirmed_sends u WHERE u.page_id=p.id AND u.since<=?"
                + " AND GREATEST(COALESCE(p.claimed_at, u.since), u.since)>=?))"
                // accounted for: the journal has the provider's record of the very hand-over whose outcome is unknown
                + " AND NOT EXISTS (SELECT 1 FROM provider_records r WHERE r.page_id=p.id AND r.noted_at="
                + "COALESCE((SELECT u2.since FROM unconfirmed_sends u2 WHERE u2.page_id=p.id), p.claimed_at))"
                + (body == null ? "" : " AND p.body=?") + " FETCH FIRST 1 ROWS ONLY";
        Object[] args = body == null ? new Object[] {to, channel, pageId, claimedFrom, claimedBy, claimedBy, claimedFrom}
                : new Object[] {to, channel, pageId, claimedFrom, claimedBy, claimedBy, claimedFrom, body};
        return db.one(sql, rs -> rs.getLong(1), args).isPresent();
    }

    @Override
    public void clearUnconfirmed(long pageId) {
        db.update("DELETE FROM unconfirmed_sends WHERE page_id=?", pageId);
    }

    @Override
    public boolean isOptedOut(String phone) {
        return db.one("SELECT phone FROM sms_opt_outs WHERE phone=?", rs -> rs.getString(1), phone).isPresent();
    }

    @Override
    public void optOut(String phone, Instant at) {
        if (!isOptedOut(phone)) {
            db.update("INSERT INTO sms_opt_outs (phone, opted_out_at) VALUES (?,?)", phone, at);
        }
    }

    @Override
    public void optIn(String phone) {
        db.update("DELETE FROM sms_opt_outs WHERE phone=?", phone);
    }

    @Override
    public long countInState(PageState state) {
        return db.one("SELECT COUNT(*) FROM pages WHERE state=?", rs -> rs.getLong(1), state.name()).orElse(0L);
    }
}
