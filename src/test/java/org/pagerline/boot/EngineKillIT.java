package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.IncidentService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.TicketService;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.ChildJvm;

/**
 * The real server in a child JVM, paging an incident on a fast policy through the log channel,
 * is SIGKILLed mid-cycle and started again: every step due is paged (none lost, the ones due
 * while it was down included), and a page is handed over at most twice, only if it was in flight.
 */
class EngineKillIT {
    static final Pattern SENT = Pattern.compile("PAGE id=(\\d+) ");
    /** The database's password once the server has given it one (the test made it with none). */
    private String password = "";

    @Test
    void killedMidCycleItPagesOnWithNothingLostAndAtMostOneDuplicatePerInFlightSend(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("pagerline.properties");
        Files.writeString(config, String.join("\n", "data.dir=" + dir.resolve("data"), "http.port=0", "agi.port=0",
                "scheduler.sweep-interval=1s", "paging.send-timeout=2s", "paging.rate-limit.pages=1000", ""));
        String url;
        try (TestDatabase db = TestDatabase.fileIn(dir.resolve("data"))) {
            url = db.config().url();
            Clock clock = Clock.systemUTC();
            RosterService roster = new RosterService(db.transactions(), new PhoneNumbers("CA"), clock);
            roster.addTechnician(new RosterService.NewTechnician("Pat", "+12045550101", null, null, "UTC"));
            roster.addTechnician(new RosterService.NewTechnician("Sam", "+12045550102", null, null, "UTC"));
            roster.setRotation(new RosterService.RotationSpec(Role.PRIMARY, List.of("Pat"), "1w", "08:00", "UTC", "2026-01-01"));
            roster.setRotation(new RosterService.RotationSpec(Role.SECONDARY, List.of("Sam"), "1w", "08:00", "UTC", "2026-01-01"));
            IncidentService incidents = new IncidentService(db.transactions(), clock, Duration.ofMinutes(30),
                    Duration.ofMinutes(15), () -> { });
            incidents.setPolicy(List.of("0s PRIMARY", "1s SECONDARY"), "1s");   // a step every second
            Ticket t = new TicketService(db.transactions(), clock).openOrReuse(TicketSource.PHONE, "+12045559999", "Jane",
                    "Acme", Duration.ZERO);
            incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, "+12045559999", "Jane", "Acme",
                    "+12045559999", "rec", clock.instant()));
        }

        Path log1 = dir.resolve("run1.log");
        Process first = start(config, log1);
        try {
            awaitUp(log1);
            // the server holds the database file while it runs: its log shows the hand-overs
            Eventually.await(Duration.ofSeconds(20), "six steps paged before the kill", () -> handedOver(log1) >= 12);
        } finally {
            first.destroyForcibly().waitFor();   // SIGKILL, mid-cycle
        }
        password = Files.readString(dir.resolve("data").resolve("db-password")).strip(); // set by the server's first start
        int inFlightAtKill = count(url, "SELECT COUNT(*) FROM pages WHERE state='SENDING'");
        long killedAt = System.currentTimeMillis();

        Path log2 = dir.resolve("run2.log");
        Process second = start(config, log2);
        try {
            awaitUp(log2);
            Eventually.await(Duration.ofSeconds(20), "paging goes on after the restart",
                    () -> handedOver(log2) >= 12);
        } finally {
            second.destroy();
            second.waitFor();
        }
        long downFor = System.currentTimeMillis() - killedAt;

        // Nothing lost: the steps fired form one unbroken sequence, each with its SMS and its call.
        List<int[]> fired = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "sa", password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT cycle_no, step_no, COUNT(*) FROM pages WHERE kind='PAGE'"
                     + " GROUP BY cycle_no, step_no ORDER BY cycle_no, step_no")) {
            while (rs.next()) {
                fired.add(new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)});
            }
        }
        for (int k = 0; k < fired.size(); k++) {
            assertEquals(k / 2, fired.get(k)[0], "cycle of step firing " + k);
            assertEquals(k % 2, fired.get(k)[1], "step of firing " + k);
            assertEquals(2, fired.get(k)[2], "an SMS and a call for firing " + k);
        }
        assertEquals(0, count(url, "SELECT COUNT(*) FROM pages WHERE state IN ('PENDING','SENDING') AND created_at < "
                + "DATEADD('SECOND', -3, CURRENT_TIMESTAMP)"), "no page left behind");

        // At most one duplicate per send in flight at the kill.
        Map<String, Integer> handovers = new HashMap<>();
        for (Path log : List.of(log1, log2)) {
            Matcher m = SENT.matcher(Files.readString(log));
            while (m.find()) {
                handovers.merge(m.group(1), 1, Integer::sum);
            }
        }
        long twice = handovers.values().stream().filter(n -> n == 2).count();
        assertTrue(handovers.values().stream().allMatch(n -> n <= 2), "a page handed over three times: " + handovers);
        assertTrue(twice <= inFlightAtKill, twice + " duplicates but only " + inFlightAtKill + " sends were in flight");
        assertTrue(downFor < 60_000);
        System.out.println("kill test: " + fired.size() + " step firings, " + handovers.size() + " pages handed over, "
                + inFlightAtKill + " in flight at the kill, " + twice + " handed over twice");
    }

    private static Process start(Path config, Path log) throws IOException {
        List<String> cmd = ChildJvm.java("256m");
        cmd.addAll(List.of("org.pagerline.boot.Main", "--config", config.toString(), "server"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitUp(Path log) {
        Eventually.await(Duration.ofSeconds(30), "the server says it is up", () -> {
            try {
                return Files.exists(log) && Files.readString(log).contains("pagerline is up");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The pages a server's log shows handed over (distinct ids). */
    private static long handedOver(Path log) {
        Matcher m;
        try {
            m = SENT.matcher(Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return 0;
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids.size();
    }

    private int count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "sa", password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
