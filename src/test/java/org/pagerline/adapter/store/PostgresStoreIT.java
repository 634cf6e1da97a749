package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.SchedulerConfig;
import org.pagerline.testkit.PgSchema;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.service.CalendarService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.TicketService;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MutableClock;

/**
 * The production database: every migration, the stores and Quartz's PostgreSQL delegate on a
 * real PostgreSQL. `scripts/postgres-for-tests` sets one up (CI runs it); set
 * PAGERLINE_TEST_PG_URL to its output. Without it the test is skipped (and .ci/run says why).
 */
class PostgresStoreIT {
    private DatabaseConfig config;

    private PgSchema schema;

    /** A schema of its own: runs beside the other PostgreSQL tests (and other runs on one server) */
    @BeforeEach
    void freshSchema() throws Exception {
        schema = PgSchema.fresh();
        config = schema.config();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            schema.close();
        }
    }

    @Test
    void aTicketSaveMovesItsClockCheckOnlyWhenItsLifeMoves() throws Exception {
        try (Database db = Database.open(config)) {
            ATicketSaveMovesItsClockCheckOnlyWhenItsLifeMovesTest.check(new JdbcTransactions(db.dataSource()), db);
        }
    }

    @Test
    void aTicketClosedByItsIncidentIsNotReopenedByAStaleSave() throws Exception {
        try (Database db = Database.open(config)) {
            ATicketClosedByItsIncidentIsNotReopenedByAStaleSaveTest.check(new JdbcTransactions(db.dataSource()));
        }
    }

    @Test
    void twoCommitsWhosePiecesAddLinesToTheSameTicketsInOppositeOrdersRunEachPieceOnce() throws Exception {
        try (Database db = Database.open(config)) {
            TimelineLinesTest.piecesInOtherOrdersRunOnce(new JdbcTransactions(db.dataSource()));
        }
    }

    @Test
    void manyTimelineLinesOfSeveralTicketsLandEachWithItsTextInTheOrderAdded() throws Exception {
        try (Database db = Database.open(config)) {
            TimelineLinesTest.manyLinesLandInTheOrderAdded(new JdbcTransactions(db.dataSource()));
        }
    }

    @Test
    void migrations_stores_and_quartz_work_on_postgresql() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
        try (Database db = Database.open(config)) {
            assertTrue(db.isPostgres());
            JdbcTransactions tx = new JdbcTransactions(db.dataSource());
            RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
            roster.addTechnician(new RosterService.NewTechnician("Alice Able", "+12045550101", null, null, "America/Winnipeg"));
            roster.addTechnician(new RosterService.NewTechnician("Bob Baker", "+12045550102", null, null, "America/Winnipeg"));
            roster.setRotation(new RosterService.RotationSpec(Role.PRIMARY, List.of("Alice Able", "Bob Baker"), "1d",
                    "08:00", "America/Winnipeg", "2026-11-01"));
            roster.addOverride(Role.PRIMARY, "Bob Baker", Instant.parse("2026-11-23T20:00:00Z"), Instant.parse("2026-11-24T02:00:00Z"));
            Optional<OnCallShift> at = roster.onCall(Instant.parse("2026-11-23T21:00:00Z")).get(Role.PRIMARY);
            assertEquals("Bob Baker", at.orElseThrow().technician().name());
            assertTrue(at.get().fromOverride());

            CalendarService calendar = new CalendarService(tx);
            calendar.addHoliday("2026-12-25", "Christmas");
            assertTrue(!calendar.isOpen(Instant.parse("2026-12-25T16:00:00Z")));

            TicketService tickets = new TicketService(tx, clock);
            long id = tickets.openOrReuse(TicketSource.PHONE, "+12045550199", null, null, Duration.ofHours(4)).id();
            clock.advance(Duration.ofMinutes(10));
            assertEquals(id, tickets.openOrReuse(TicketSource.PHONE, "+12045550199", null, null, Duration.ofHours(4)).id(),
                    "the same caller within the window updates the open ticket");
            assertEquals(List.of("OPENED", "REOPENED_BY_CALL"),
                    tickets.show(id).events().stream().map(e -> e.kind()).toList());

            // a ticket's life and clocks: compare-and-set saves, bulk reads, the recompute after a holiday
            long mail = tickets.open(TicketSource.EMAIL, new org.pagerline.core.ticket.Requester("Jane Doe", "Acme",
                    "+12045559999", "jane@acme.example"), org.pagerline.core.ticket.Priority.P3, "Printer jammed").ticket().id();
            tickets.take(mail, "Alice Able");
            tickets.waitOnCustomer(mail, "Alice Able", "asked for the model");
            assertEquals(1, tickets.queue(10).rows().stream().filter(r -> r.id() == mail).count());
            assertTrue(tickets.recomputeAll() >= 0);
            assertEquals(org.pagerline.core.ticket.TicketState.WAITING_ON_CUSTOMER, tickets.detail(mail).state());

            // the ticket clock engine's batch: claimed FOR UPDATE SKIP LOCKED, written with JDBC batches, once
            roster.setRotation(new RosterService.RotationSpec(Role.TEAM_LEAD, List.of("Alice Able"), "1w", "08:00",
                    "America/Winnipeg", "2026-11-01"));
            long p1 = tickets.open(TicketSource.CLI, new org.pagerline.core.ticket.Requester("John Roe", "Zeta", null, null),
                    org.pagerline.core.ticket.Priority.P1, "Site down").ticket().id();
            clock.advance(Duration.ofMinutes(90));   // P1 respond: 2 h, the team lead warned 30 min before
            try (org.pagerline.service.TicketClockEngine engine = new org.pagerline.service.TicketClockEngine(tx, clock,
                    tickets, () -> { })) {
                assertEquals(1, engine.runDue().notices(), "the P1's respond warning");
                assertEquals(0, engine.runDue().notices(), "told once");
            }
            assertTrue(tickets.detail(p1).timeline().stream().anyMatch(e -> e.kind().equals("SLA_WARNING")
                    && e.detail().endsWith("team lead warned: paging Alice Able (sms)")), tickets.detail(p1).timeline().toString());
            assertEquals(1, tx.inTransaction(s -> s.pages().duePending(clock.instant(), clock.instant(), 10)).size(), "its notice in the outbox");

            AtomicInteger passes = new AtomicInteger();
            QuartzScheduler scheduler = new QuartzScheduler(db.dataSource(), true,
                    new SchedulerConfig(Duration.ofHours(1), 2), passes::incrementAndGet);
            try {
                scheduler.start();
                int before = passes.get();
                scheduler.wakeAt(Instant.now().plusMillis(200));
                Eventually.await(Duration.ofSeconds(20), "a wake-up on the PostgreSQL job store", () -> passes.get() > before);
            } finally {
                scheduler.close();
            }
        }
    }

    @Test
    void theAdminsPageLogAndAnAroundTheClockDeskWorkOnPostgresql() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
        try (Database db = Database.open(config)) {
            JdbcTransactions tx = new JdbcTransactions(db.dataSource());
            CalendarService calendar = new CalendarService(tx);
            calendar.setHours("Mon-Sun 00:00-24:00", "America/Winnipeg");
            assertTrue(calendar.calendar().windows().stream().allMatch(w -> w.untilMidnight()), "24:00 read back as 24:00");
            assertTrue(calendar.isOpen(Instant.parse("2026-11-24T05:59:30Z")) && calendar.isOpen(Instant.parse("2026-11-24T06:00:00Z")));

            RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
            roster.addTechnician(new RosterService.NewTechnician("Alice Able", "+12045550101", null, null, "America/Winnipeg"));
            roster.updateTechnician("Alice Able", new RosterService.TechnicianChange(null, "+12045550111", null, "UTC"));
            org.pagerline.service.PageLog log = new org.pagerline.service.PageLog(tx, clock);
            log.attach(Map.of(org.pagerline.core.page.Channel.SMS, new org.pagerline.service.PageChannel() {
                @Override
                public org.pagerline.core.page.Channel channel() {
                    return org.pagerline.core.page.Channel.SMS;
                }

                @Override
                public String name() {
                    return "test-sms";
                }

                @Override
                public org.pagerline.service.SendResult send(org.pagerline.service.OutgoingPage page) {
                    return org.pagerline.service.SendResult.accepted("T-" + page.pageId());
                }
            }));
            var sent = log.sendTest("Alice Able", org.pagerline.core.page.Channel.SMS);
            assertEquals("+12045550111", sent.page().to());
            assertEquals("T-" + (org.pagerline.service.PageLog.ID_BASE + sent.page().id()), sent.page().providerId());
            assertEquals(List.of(sent.page()), log.list(null, Instant.parse("2026-11-23T08:00:00Z"), 10));
            assertEquals(List.of(), log.list(null, Instant.parse("2026-11-23T10:00:00Z"), 10));
            assertThrows(org.pagerline.service.NotFoundException.class, () -> log.list(99L, null, 10));
        }
    }

    /** As on H2 (ANewTicketIsKnownWithoutReadingItBackTest): a new ticket is what reading it back would give. */
    @Test
    void aNewTicketIsWhatReadingItBackGivesOnPostgresql() throws Exception {
        Instant at = Instant.parse("2026-12-03T03:04:05.123456789Z");
        try (Database db = Database.open(config)) {
            new JdbcTransactions(db.dataSource()).inTransaction(s -> {
                org.pagerline.core.ticket.Ticket t = s.tickets().insert(new org.pagerline.core.ticket.Ticket(0, at, at,
                        org.pagerline.core.ticket.TicketStatus.OPEN, TicketSource.PORTAL, org.pagerline.core.ticket.Priority.P2,
                        "+12045550199", "Pat Doe", "Acme", null, null));
                assertEquals(s.tickets().find(t.id()).orElseThrow(), t);
                assertEquals(s.tickets().life(t.id()).orElseThrow(), s.tickets().insertedLife(t));
                return null;
            });
        }
    }
}
