package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.ChildJvm;

/**
 * The real server in a child JVM pages 15 incidents (60 SMS and calls) through a fake Twilio that
 * answers each create after 1 s, and is SIGKILLed at random moments mid-sending three times, then
 * started again. Every page reaches Twilio exactly once: a hand-over cut off by the kill is
 * looked up in Twilio's lists before it is sent again, including one whose claim H2 lost in the kill
 * (it was seen to come back without the last committed claims; the hand-over journal has them).
 */
class PagesSentOnceAcrossSigkillsIT {
    private static final int INCIDENTS = 15;
    private static final int KILLS = 3;
    private static final Pattern PAGE = Pattern.compile("page=(\\d+)");
    private static final Pattern LOST = Pattern.compile("committed work was lost in a crash");
    private static final Pattern HANDED = Pattern.compile(
            "page \\d+: (SMS handed to Twilio as|call placed through Twilio as|Twilio has it as|Twilio has the call as)");

    @Test
    void everyPageReachesTwilioExactlyOnceThoughTheServerIsKilledMidSend(@TempDir Path dir) throws Exception {
        try {
            pageThroughKills(dir);
        } catch (Exception | AssertionError e) {
            keepLogs(dir);
            throw e;
        }
    }

    /** On failure, the child servers' logs go to target/ (the @TempDir is deleted). */
    private static void keepLogs(Path dir) throws IOException {
        Path kept = Path.of("target", PagesSentOnceAcrossSigkillsIT.class.getSimpleName() + "-logs");
        Files.createDirectories(kept);
        try (var logs = Files.list(dir)) {
            for (Path log : (Iterable<Path>) logs.filter(f -> f.getFileName().toString().endsWith(".log"))::iterator) {
                Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("PagesSentOnceAcrossSigkillsIT: the servers' logs are kept in " + kept.toAbsolutePath());
    }

    private static void pageThroughKills(Path dir) throws Exception {
        Path data = dir.resolve("data");
        String url;
        try (TestDatabase db = TestDatabase.fileIn(data)) {
            url = db.config().url();
            Clock clock = Clock.systemUTC();
            RosterService roster = new RosterService(db.transactions(), new PhoneNumbers("CA"), clock);
            roster.addTechnician(new RosterService.NewTechnician("Pat", "+12045550101", null, null, "UTC"));
            roster.addTechnician(new RosterService.NewTechnician("Sam", "+12045550102", null, null, "UTC"));
            roster.setRotation(new RosterService.RotationSpec(Role.PRIMARY, List.of("Pat"), "1w", "08:00", "UTC", "2026-01-01"));
            roster.setRotation(new RosterService.RotationSpec(Role.SECONDARY, List.of("Sam"), "1w", "08:00", "UTC", "2026-01-01"));
            IncidentService incidents = new IncidentService(db.transactions(), clock, Duration.ofMinutes(30),
                    Duration.ofMinutes(15), () -> { });
            incidents.setPolicy(List.of("0s PRIMARY,SECONDARY"), "1h");
            for (int i = 0; i < INCIDENTS; i++) {
                String caller = "+120455590" + String.format("%02d", i);
                Ticket t = new TicketService(db.transactions(), clock).openOrReuse(TicketSource.PHONE, caller, "Jane", "Acme",
                        Duration.ZERO);
                incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, caller, "Jane", "Acme", caller, "rec",
                        clock.instant()));
            }
        }
        try (FakeTwilio twilio = FakeTwilio.start()) {
            twilio.answerAfter(Duration.ofSeconds(1), d -> { });
            Path config = dir.resolve("pagerline.properties");
            Files.writeString(config, String.join("\n", "data.dir=" + data, "http.port=" + Ports.free(), "agi.port=0",
                    "scheduler.sweep-interval=1s", "paging.send-timeout=3s", "paging.send-threads=4",
                    "paging.rate-limit.pages=1000", "twilio.account-sid=" + FakeTwilio.ACCOUNT_SID,
                    // every page its own hand-over (no bundles): this counts creates per page
                    "paging.bundle.sms-gap=0s", "paging.bundle.voice-gap=0s",
                    "twilio.from-number=+12045550100", "twilio.public-url=https://pager.example.com",
                    "twilio.api-url=" + twilio.apiUrl(), "twilio.timeout=2500ms", "paging.sms-provider=twilio",
                    "paging.voice-provider=twilio", ""));
            Random random = new Random();
            int total = INCIDENTS * 4;
            List<String> kills = new ArrayList<>();
            for (int k = 0; k <= KILLS; k++) {
                Path log = dir.resolve("run" + k + ".log");
                // read while no server runs (the database is the server's alone while it runs)
                int unsent = count(url, "SELECT COUNT(*) FROM pages WHERE state<>'SENT'");
                Process server = start(config, log);
                try {
                    Eventually.await(Duration.ofSeconds(120), "the server is up", () -> read(log).contains("pagerline is up"));
                    if (k < KILLS) {
                        int target = Math.min(total - 4, twilio.requests().size() + 4 + random.nextInt(12));
                        Eventually.await(Duration.ofSeconds(60), target + " creates", () -> twilio.requests().size() >= target);
                        kills.add("kill " + (k + 1) + " after " + twilio.requests().size() + " creates");
                    } else {
                        // every page still unsent when this run started is handed over or found at Twilio
                        Eventually.await(Duration.ofSeconds(60), unsent + " pages handed over or found",
                                () -> HANDED.matcher(read(log)).results().count() >= unsent);
                    }
                } finally {
                    if (k < KILLS) {
                        server.destroyForcibly().waitFor();   // SIGKILL, mid-sending
                    } else {
                        server.destroy();
                        server.waitFor();
                    }
                }
            }
            Map<Long, Integer> creates = new TreeMap<>();
            for (FakeTwilio.ApiRequest r : twilio.requests()) {
                Matcher m = PAGE.matcher(r.statusCallback());
                assertTrue(m.find(), r.toString());
                creates.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
            }
            int resent = count(url, "SELECT COUNT(*) FROM ticket_events WHERE kind='PAGE_RESENT'");
            // H2 was seen to come back from a kill without committed claims: the journal's hand-overs are asked for
            long lost = 0;
            for (int k = 0; k <= KILLS; k++) {
                lost += LOST.matcher(read(dir.resolve("run" + k + ".log"))).results().count();
            }
            System.out.println("PagesSentOnceAcrossSigkillsIT: " + kills + "; " + creates.size() + " pages, "
                    + twilio.requests().size() + " creates, " + resent + " asked for after a kill, of which " + lost
                    + " were PENDING again (the database lost their claims)");
            assertEquals(total, creates.size(), "every page created at Twilio: " + creates);
            assertEquals(0, count(url, "SELECT COUNT(*) FROM pages WHERE state<>'SENT' AND state<>'SENDING'"),
                    "every page handed over (SENT, or SENDING when the last stop came mid-answer): none lost or failed");
            Map<Long, Integer> twice = new HashMap<>(creates);
            twice.values().removeIf(n -> n == 1);
            assertEquals(Map.of(), twice, "pages created at Twilio more than once (page=creates)");
        }
    }

    private static Process start(Path config, Path log) throws IOException {
        List<String> cmd = ChildJvm.java("256m");
        cmd.addAll(List.of("org.pagerline.boot.Main", "--config", config.toString(), "server"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PAGERLINE_TWILIO_AUTH_TOKEN", FakeTwilio.AUTH_TOKEN);
        return pb.start();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Reads a count while no server runs, with the password the server generated (none before its first start). */
    private static int count(String url, String sql) {
        Path passwordFile = Path.of(url.substring(url.indexOf("file:") + "file:".length()).split(";")[0]).getParent().resolve("db-password");
        String password;
        try {
            password = Files.exists(passwordFile) ? Files.readString(passwordFile).strip() : "";
        } catch (IOException e) {
            return -1;
        }
        try (Connection c = java.sql.DriverManager.getConnection(url, "sa", password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
