package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.IncidentService;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.PgSchema;
import org.pagerline.testkit.RecordingPageChannel;

/**
 * README's backup and restore, as written: {@code pg_dump -Fc} of a live database with an incident
 * mid-escalation, the database lost, {@code pg_restore} of the dump, pagerline started on it: the
 * pending escalation resumes where it stood (the team lead is paged when due; the first step's
 * pages, sent before the dump, are not sent again).
 */
@Timeout(120)
class RestoreFromPgDumpIT {
    @TempDir
    Path dir;

    @Test
    void aRestoredDumpResumesThePendingEscalations() throws Exception {
        MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
        try (PgSchema pg = PgSchema.fresh()) {
            long incident;
            RecordingPageChannel before = new RecordingPageChannel(clock);
            try (Database db = Database.open(pg.config())) {
                Transactions tx = new JdbcTransactions(db.dataSource());
                RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
                String[][] people = {{"Pat", "+12045550101", "PRIMARY"}, {"Sam", "+12045550102", "SECONDARY"},
                    {"Lee", "+12045550103", "TEAM_LEAD"}};
                for (String[] p : people) {
                    roster.addTechnician(new RosterService.NewTechnician(p[0], p[1], null, null, "UTC"));
                    roster.setRotation(new RosterService.RotationSpec(Role.valueOf(p[2]), List.of(p[0]), "1w", "08:00",
                            "UTC", "2026-11-01"));
                }
                IncidentService incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15),
                        () -> { });
                incidents.setPolicy(List.of("0m PRIMARY,SECONDARY", "5m TEAM_LEAD"), "1h");
                Ticket t = new TicketService(tx, clock).openOrReuse(TicketSource.PHONE, "+12045559999", "Jane", "Acme",
                        Duration.ZERO);
                incident = incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, "+12045559999", "Jane",
                        "Acme", "+12045559999", "rec", clock.instant()));
                pass(tx, clock, before);
                assertEquals(4, before.all().size(), "Pat and Sam paged by SMS and call before the backup");
            }

            Path dump = dir.resolve("pagerline.dump");
            run(pg, "pg_dump", "-Fc", "-n", pg.schema(), "-f", dump.toString());
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + pg.schema() + " CASCADE");   // the database is lost
            }
            run(pg, "pg_restore", "--no-owner", "-d", dbName(pg), dump.toString());

            RecordingPageChannel after = new RecordingPageChannel(clock);
            try (Database db = Database.open(pg.config())) {   // migrations validate against the restored history
                Transactions tx = new JdbcTransactions(db.dataSource());
                clock.advance(Duration.ofMinutes(4));
                pass(tx, clock, after);
                assertEquals(List.of(), after.all(), "nothing due yet, and the first step is not sent again");
                clock.advance(Duration.ofMinutes(1));
                pass(tx, clock, after);
                assertEquals(2, after.all().size(), "the team lead's step, once: " + after.all());
                assertTrue(after.all().stream().allMatch(s -> s.page().to().equals("+12045550103")
                        && s.page().incidentId() == incident));
                assertEquals(java.util.Set.of(Channel.SMS, Channel.VOICE),
                        after.all().stream().map(s -> s.page().channel()).collect(java.util.stream.Collectors.toSet()));
            }
        }
    }

    private static void pass(Transactions tx, MutableClock clock, RecordingPageChannel phones) {
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
            PageDispatcher d = new PageDispatcher(tx, clock, phones.channels(), new RateLimit(100, Duration.ofMinutes(10)),
                    delivery, Duration.ofSeconds(60), senders);
            try (EscalationEngine engine = new EscalationEngine(tx, clock, Duration.ofMinutes(30), d)) {
                engine.runDue();
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** The database name in the test URL (jdbc:postgresql://host:port/NAME?...). */
    private static String dbName(PgSchema pg) {
        String path = URI.create(pg.url().substring("jdbc:".length())).getPath();
        return connString(pg, path.substring(1));
    }

    private static String connString(PgSchema pg, String db) {
        URI u = URI.create(pg.url().substring("jdbc:".length()));
        return "postgresql://" + PgSchema.USER + "@" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + "/" + db;
    }

    /** Runs a PostgreSQL client tool against the test database (password from the environment, as README says). */
    private static void run(PgSchema pg, String tool, String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin", tool)), tool + " not installed");
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(List.of(args));
        if (tool.equals("pg_dump")) {
            String path = URI.create(pg.url().substring("jdbc:".length())).getPath();
            cmd.add("--dbname=" + connString(pg, path.substring(1)));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Map.of("PGPASSWORD", PgSchema.PASSWORD));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), tool + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }
}
