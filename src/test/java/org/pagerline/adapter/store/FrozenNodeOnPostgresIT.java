package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.IncidentService;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.PgSchema;

/**
 * Two nodes on one PostgreSQL, one of them frozen inside a transaction (a stopped VM, a lost
 * network: no TCP reset reaches the database). Without a limit the database keeps the frozen
 * node's session, and its row locks, until its TCP keepalive gives up (2 hours by default), and the
 * other node's engine skips the incidents it holds (FOR UPDATE SKIP LOCKED). With
 * {@code db.idle-in-transaction-timeout} the database ends that session and the other node takes
 * the incident over. Skipped without PAGERLINE_TEST_PG_URL (CI sets it).
 */
class FrozenNodeOnPostgresIT {
    private PgSchema schema;

    @BeforeEach
    void freshSchema() throws Exception {
        schema = PgSchema.fresh();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            schema.close();
        }
    }

    private DatabaseConfig node(String idleTimeout) {
        return schema.config(Map.of("db.pool-size", "4", "db.idle-in-transaction-timeout", idleTimeout));
    }

    @Test
    void anIncidentHeldByANodeFrozenInItsTransactionIsTheOtherNodesOnceTheIdleTimeoutEndsIt() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-06T03:00:00Z");
        try (Database frozen = Database.open(node("2s")); Database other = Database.open(node("2s"))) {
            Transactions frozenTx = new JdbcTransactions(frozen.dataSource());
            Transactions otherTx = new JdbcTransactions(other.dataSource());
            try (Connection c = other.dataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SHOW idle_in_transaction_session_timeout")) {
                assertTrue(rs.next());
                assertEquals("2s", rs.getString(1), "each pooled connection carries the node's limit");
            }
            Ticket t = new TicketService(otherTx, clock).openOrReuse(TicketSource.PHONE, "+12045559999", "Jane", "Acme",
                    Duration.ZERO);
            long incident = new IncidentService(otherTx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { })
                    .openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, "+12045559999", "Jane", "Acme",
                            "+12045559999", "rec", clock.instant()));
            Instant due = clock.instant().plus(Duration.ofHours(1));

            // the frozen node claims the incident, writes a line, and stops before its commit
            CountDownLatch claimed = new CountDownLatch(1);
            CountDownLatch thaw = new CountDownLatch(1);
            AtomicReference<Throwable> frozenOutcome = new AtomicReference<>();
            Thread node = new Thread(() -> {
                try {
                    frozenTx.inTransaction(s -> {
                        assertTrue(s.incidents().claimDue(incident, due).isPresent(), "the frozen node claimed it first");
                        s.tickets().addEvent(t.id(), due, "NOTE", "written by the node that then froze");
                        claimed.countDown();
                        try {
                            thaw.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return s.tickets().events(t.id()).size();
                    });
                } catch (Throwable e) {
                    frozenOutcome.set(e);
                }
            }, "frozen-node");
            node.start();
            assertTrue(claimed.await(10, TimeUnit.SECONDS), "the frozen node took the incident");
            assertTrue(otherTx.inTransaction(s -> s.incidents().claimDue(incident, due)).isEmpty(),
                    "while the frozen node's transaction is open the other node's claim skips the incident");

            Eventually.await(Duration.ofSeconds(20), "the other node to claim the incident the frozen node held",
                    () -> otherTx.inTransaction(s -> s.incidents().claimDue(incident, due)).isPresent());

            thaw.countDown();
            node.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(frozenOutcome.get() != null, "the frozen node's transaction, ended by the database, fails when it wakes");
            List<String> kinds = otherTx.inTransaction(s -> s.tickets().events(t.id())).stream()
                    .map(e -> e.kind() + ": " + e.detail()).toList();
            assertTrue(kinds.stream().noneMatch(k -> k.contains("then froze")), "nothing of it was committed: " + kinds);
        }
    }

    /**
     * The one transaction of ours that sits idle on purpose: the advisory lock's, held while the
     * AMI queue's members are reconciled. It keeps its lock past the nodes' idle limit.
     */
    @Test
    void workUnderTheAdvisoryLockThatOutlastsTheIdleLimitKeepsItsLock() throws Exception {
        try (Database a = Database.open(node("1s")); Database b = Database.open(node("1s"))) {
            AdvisoryLock lockA = new AdvisoryLock(a.dataSource());
            AdvisoryLock lockB = new AdvisoryLock(b.dataSource());
            AtomicReference<Boolean> otherRan = new AtomicReference<>();
            assertTrue(lockA.tryRun("ami-queue-members:helpdesk", () -> {
                // wait, by the database's own clock, until the lock's session has sat idle in its
                // transaction for twice the nodes' limit
                Eventually.await(Duration.ofSeconds(20), "the lock's transaction idle for over 2 s", () -> {
                    try (Connection c = b.dataSource().getConnection(); Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state="
                                    + "'idle in transaction' AND now() - state_change > interval '2 seconds'"
                                    + " AND query LIKE '%pg_try_advisory_xact_lock%'")) {
                        return rs.next() && rs.getInt(1) > 0;
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                otherRan.set(lockB.tryRun("ami-queue-members:helpdesk", () -> { }));
            }), "the work ran, and its lock's transaction ended cleanly");
            assertEquals(Boolean.FALSE, otherRan.get(), "the other node still found the work being done");
            assertTrue(lockB.tryRun("ami-queue-members:helpdesk", () -> { }), "and runs it once the first is done");
        }
    }
}
