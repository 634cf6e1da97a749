package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pagerline.adapter.store.AdvisoryLock;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.PgSchema;
import org.pagerline.testkit.RecordingPageChannel;

/**
 * Two nodes' engines on one PostgreSQL (two connection pools, as two processes would have), passes
 * run side by side over 50 urgent incidents through three escalation steps: every step is decided
 * once (one ESCALATED line per incident and step) and every page is handed over once, whichever
 * node did it. And the AMI member reconciliation's advisory lock lets one node at a time in.
 */
@Timeout(120)
class TwoEnginesOnOnePostgresIT {
    private static final int INCIDENTS = 50;

    @Test
    void twoNodesPassingSideBySideDecideEachStepOnceAndSendEachPageOnce() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
        try (PgSchema pg = PgSchema.fresh(); Database a = Database.open(pg.config()); Database b = Database.open(pg.config())) {
            seed(new JdbcTransactions(a.dataSource()), clock);

            RecordingPageChannel phonesA = new RecordingPageChannel(clock);
            RecordingPageChannel phonesB = new RecordingPageChannel(clock);
            ExecutorService senders = Executors.newFixedThreadPool(8);
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            try {
                EscalationEngine engineA = engine(new JdbcTransactions(a.dataSource()), clock, phonesA, senders);
                EscalationEngine engineB = engine(new JdbcTransactions(b.dataSource()), clock, phonesB, senders);
                // 09:00 first step, 09:05 team lead, 09:10 VP: each instant, both nodes pass at once (a few times)
                for (Duration step : List.of(Duration.ZERO, Duration.ofMinutes(5), Duration.ofMinutes(5))) {
                    clock.advance(step);
                    for (int round = 0; round < 3; round++) {
                        CountDownLatch go = new CountDownLatch(1);
                        Future<?> fa = nodes.submit(() -> { go.await(); return engineA.runDue(); });
                        Future<?> fb = nodes.submit(() -> { go.await(); return engineB.runDue(); });
                        go.countDown();
                        fa.get(60, TimeUnit.SECONDS);
                        fb.get(60, TimeUnit.SECONDS);
                    }
                }
            } finally {
                nodes.shutdownNow();
                senders.shutdownNow();
            }

            // 50 incidents x (Pat+Sam, Lee, Val) = 4 people x SMS and voice = 400 pages
            Map<Long, Integer> handed = new HashMap<>();
            for (RecordingPageChannel.Sent s : all(phonesA, phonesB)) {
                handed.merge(s.page().pageId(), 1, Integer::sum);
            }
            Map<Long, Integer> twice = new HashMap<>(handed);
            twice.values().removeIf(n -> n == 1);
            assertEquals(Map.of(), twice, "pages handed over more than once (page=times)");
            assertEquals(INCIDENTS * 4 * 2, handed.size(), "every page handed over");
            System.out.println("TwoEnginesOnOnePostgresIT: node A sent " + phonesA.all().size() + ", node B "
                    + phonesB.all().size() + " of " + handed.size() + " pages");
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                assertEquals(INCIDENTS * 3, count(st, "SELECT COUNT(*) FROM ticket_events WHERE kind='ESCALATED'"),
                        "one ESCALATED line per incident and step");
                assertEquals(0, count(st, "SELECT COUNT(*) FROM (SELECT ticket_id, detail FROM ticket_events"
                        + " WHERE kind='ESCALATED' GROUP BY ticket_id, detail HAVING COUNT(*) > 1) d"), "no step decided twice");
                assertEquals(INCIDENTS * 4 * 2, count(st, "SELECT COUNT(*) FROM pages"), "no page written twice");
            }
        }
    }

    /** Pat, Sam, Lee and Val on call; a three-step policy; 50 urgent voicemails at the clock's instant. */
    private static void seed(Transactions seed, MutableClock clock) {
        RosterService roster = new RosterService(seed, new PhoneNumbers("CA"), clock);
        String[][] people = {{"Pat", "+12045550101", "PRIMARY"}, {"Sam", "+12045550102", "SECONDARY"},
            {"Lee", "+12045550103", "TEAM_LEAD"}, {"Val", "+12045550104", "VP_SERVICE"}};
        for (String[] p : people) {
            roster.addTechnician(new RosterService.NewTechnician(p[0], p[1], null, null, "UTC"));
            roster.setRotation(new RosterService.RotationSpec(Role.valueOf(p[2]), List.of(p[0]), "1w", "08:00", "UTC",
                    "2026-11-01"));
        }
        IncidentService incidents = new IncidentService(seed, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
        incidents.setPolicy(List.of("0m PRIMARY,SECONDARY", "5m TEAM_LEAD", "10m VP_SERVICE"), "10m");
        TicketService tickets = new TicketService(seed, clock);
        for (int i = 0; i < INCIDENTS; i++) {
            String caller = "+1204555" + String.format("%04d", 9000 + i);
            Ticket t = tickets.openOrReuse(TicketSource.PHONE, caller, "Caller " + i, "Acme", Duration.ZERO);
            incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, caller, "Caller " + i, "Acme", caller,
                    "rec", clock.instant()));
        }
    }

    @Test
    void aPassDoesNotWaitForAnIncidentAnotherNodeIsDeciding() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
        try (PgSchema pg = PgSchema.fresh(); Database a = Database.open(pg.config())) {
            seed(new JdbcTransactions(a.dataSource()), clock);
            RecordingPageChannel phones = new RecordingPageChannel(clock);
            ExecutorService senders = Executors.newFixedThreadPool(4);
            ExecutorService node = Executors.newSingleThreadExecutor();
            try (Connection other = pg.connect(); Statement st = other.createStatement()) {
                other.setAutoCommit(false);
                long held;
                try (ResultSet rs = st.executeQuery("SELECT id FROM incidents ORDER BY id FETCH FIRST 1 ROWS ONLY FOR UPDATE")) {
                    rs.next();
                    held = rs.getLong(1);
                }
                EscalationEngine engine = engine(new JdbcTransactions(a.dataSource()), clock, phones, senders);
                EscalationEngine.PassResult r = node.submit(engine::runDue).get(30, TimeUnit.SECONDS);
                assertEquals(INCIDENTS - 1, r.incidentsDecided(), "every incident but the one held elsewhere, without waiting");
                assertTrue(phones.all().stream().noneMatch(x -> x.page().incidentId() == held));
                other.rollback();
                assertEquals(1, node.submit(engine::runDue).get(30, TimeUnit.SECONDS).incidentsDecided(),
                        "the held one is decided once it is free");
            } finally {
                node.shutdownNow();
                senders.shutdownNow();
            }
        }
    }

    @Test
    void theAdvisoryLockLetsOneNodeAtATimeReconcile() throws Exception {
        try (PgSchema pg = PgSchema.fresh(); Database a = Database.open(pg.config()); Database b = Database.open(pg.config())) {
            AdvisoryLock lockA = new AdvisoryLock(a.dataSource());
            AdvisoryLock lockB = new AdvisoryLock(b.dataSource());
            AtomicBoolean bRan = new AtomicBoolean();
            List<Boolean> inside = new ArrayList<>();
            assertTrue(lockA.tryRun("ami-queue-members:helpdesk", () -> {
                inside.add(lockB.tryRun("ami-queue-members:helpdesk", () -> bRan.set(true)));
                inside.add(lockB.tryRun("ami-queue-members:other", () -> { }));
            }));
            assertFalse(bRan.get(), "node B skipped the reconcile while node A held it");
            assertEquals(List.of(false, true), inside, "the lock is per queue");
            assertTrue(lockB.tryRun("ami-queue-members:helpdesk", () -> bRan.set(true)), "released when A finished");
            assertTrue(bRan.get());
        }
    }

    private static EscalationEngine engine(Transactions tx, MutableClock clock, RecordingPageChannel phones,
            ExecutorService senders) {
        DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        PageDispatcher d = new PageDispatcher(tx, clock, phones.channels(), new RateLimit(1000, Duration.ofMinutes(10)),
                delivery, Duration.ofSeconds(60), senders)
                .withBundleGaps(new org.pagerline.core.page.BundleGaps(Duration.ZERO, Duration.ZERO)); // each page its own hand-over
        return new EscalationEngine(tx, clock, Duration.ofMinutes(30), d);
    }

    private static List<RecordingPageChannel.Sent> all(RecordingPageChannel... phones) {
        List<RecordingPageChannel.Sent> out = new ArrayList<>();
        for (RecordingPageChannel p : phones) {
            out.addAll(p.all());
        }
        return out;
    }

    private static int count(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
