package org.pagerline.adapter.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.sql.DataSource;
import org.pagerline.service.WebhookLedger;

/**
 * {@link WebhookLedger} on table {@code twilio_webhooks} (V6). Each call is its own short
 * auto-committed statement, outside the engine's transactions: the claim must be visible to a
 * concurrent replay at once. Rows older than {@code retention} are deleted, at most once an hour,
 * by whichever claim comes along.
 */
public final class JdbcWebhookLedger implements WebhookLedger {
    /** SQLSTATE for a unique/primary key violation, on H2 and PostgreSQL alike. */
    private static final String DUPLICATE_KEY = "23505";
    private static final int MAX_ANSWER = 8000;
    private final DataSource ds;
    private final Clock clock;
    private final Duration retention;
    private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

    public JdbcWebhookLedger(DataSource ds, Clock clock, Duration retention) {
        this.ds = ds;
        this.clock = clock;
        this.retention = retention;
    }

    @Override
    public Optional<String> claim(String key) {
        Instant now = clock.instant();
        pruneIfDue(now);
        try {
            with(db -> db.update("INSERT INTO twilio_webhooks (webhook_key, seen_at) VALUES (?, ?)", key, now));
            return Optional.empty();
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException sql) || !DUPLICATE_KEY.equals(sql.getSQLState())) {
                throw e;
            }
            // seen before (or being handled by a concurrent request: no answer recorded yet)
            java.util.List<String> earlier = with(db -> db.list("SELECT answer FROM twilio_webhooks WHERE webhook_key = ?",
                    rs -> rs.getString(1) == null ? "" : rs.getString(1), key));
            return Optional.of(earlier.isEmpty() ? "" : earlier.get(0));
        }
    }

    @Override
    public void finish(String key, String answer) {
        String stored = answer != null && answer.length() <= MAX_ANSWER ? answer : null;
        with(db -> db.update("UPDATE twilio_webhooks SET answer = ? WHERE webhook_key = ?", stored, key));
    }

    @Override
    public void release(String key) {
        with(db -> db.update("DELETE FROM twilio_webhooks WHERE webhook_key = ?", key));
    }

    @Override
    public void mark(String key) {
        claim(key).ifPresentOrElse(earlier -> { }, () -> finish(key, ""));
    }

    @Override
    public boolean seen(String key) {
        Instant cutoff = clock.instant().minus(retention);
        return with(db -> db.one("SELECT 1 FROM twilio_webhooks WHERE webhook_key = ? AND seen_at >= ?",
                rs -> rs.getInt(1), key, cutoff)).isPresent();
    }

    /** Deletes expired rows; returns how many. Called from claims, at most once an hour. */
    public int prune() {
        Instant cutoff = clock.instant().minus(retention);
        return with(db -> db.update("DELETE FROM twilio_webhooks WHERE seen_at < ?", cutoff));
    }

    private void pruneIfDue(Instant now) {
        Instant due = nextPrune.get();
        if (now.isAfter(due) && nextPrune.compareAndSet(due, now.plus(Duration.ofHours(1)))) {
            prune();
        }
    }

    private <T> T with(Function<Jdbc, T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            return work.apply(new Jdbc(c));
        } catch (SQLException e) {
            throw new StoreException("twilio_webhooks", e);
        }
    }
}
