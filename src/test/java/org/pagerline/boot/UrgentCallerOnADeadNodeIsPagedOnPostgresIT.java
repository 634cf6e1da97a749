package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.core.roster.Role;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.PgSchema;
import org.pagerline.testkit.ServerProcess;

/**
 * Two nodes (child JVMs) on one PostgreSQL. An urgent caller on node A, nobody on call as primary,
 * has chosen P1 and is confirming their call-back number when node A is SIGKILLed: Asterisk's
 * dialplan takes their message into its fallback folder, and node A may never come back. Node B,
 * once node A has been silent for line.dead-node-after, ends the call as cut off and pages the
 * caller: the incident opens and its first pages go out. Or, sooner, the dialplan's h extension
 * hands node B the fallback's message once the caller hangs up, and node B pages with it at once.
 */
@Timeout(120)
class UrgentCallerOnADeadNodeIsPagedOnPostgresIT {
    @TempDir
    Path dir;

    @Test
    void theOtherNodePagesAnUrgentCallerWhoseNodeDiedBeforeTheirMessage() throws Exception {
        try (PgSchema pg = PgSchema.fresh()) {
            try (var db = Database.open(pg.config())) {
                RosterService roster = new RosterService(new JdbcTransactions(db.dataSource()), new PhoneNumbers("CA"),
                        java.time.Clock.systemUTC());
                roster.addTechnician(new RosterService.NewTechnician("Sam", "+12045550102", null, null, "UTC"));
                roster.setRotation(new RosterService.RotationSpec(Role.SECONDARY, List.of("Sam"), "1w", "08:00", "UTC",
                        "2026-01-01"));
            }
            ServerProcess a = node(pg, "a");
            ServerProcess b = node(pg, "b");
            try (a; b; Socket s = new Socket()) {
                long ticket = urgentCallerConfirmingOn(a, b, s, pg, "1764100000.1");
                long killed = System.nanoTime();
                a.kill();

                Eventually.await(Duration.ofSeconds(30), "an incident on ticket " + ticket,
                        () -> !strings(pg, "SELECT priority FROM incidents WHERE ticket_id=?", ticket).isEmpty());
                long pagedAfterMs = (System.nanoTime() - killed) / 1_000_000;
                assertEquals(List.of("P1"), strings(pg, "SELECT priority FROM incidents WHERE ticket_id=?", ticket));
                List<String> lines = strings(pg, "SELECT kind || ': ' || detail FROM ticket_events WHERE ticket_id=?"
                        + " ORDER BY id", ticket);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("CALL_CUT_OFF: pagerline node ")
                        && l.contains(":" + a.agiPort() + " stopped answering") && l.contains("priority step")), lines.toString());
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("URGENT_CUT_OFF") && l.contains("call back +12045550123")),
                        lines.toString());
                assertEquals(List.of("CUT_OFF"), strings(pg, "SELECT outcome FROM calls WHERE ticket_id=?", ticket));
                // node B pages Sam (no provider configured: the pages are written to its log)
                Eventually.await(Duration.ofSeconds(30), "Sam paged by node B",
                        () -> strings(pg, "SELECT p.to_number FROM pages p JOIN incidents i ON i.id=p.incident_id"
                                + " WHERE i.ticket_id=? AND p.state='SENT'", ticket).contains("+12045550102"));
                System.out.println("urgent caller paged " + pagedAfterMs + " ms after their node was killed"
                        + " (line.dead-node-after=3s)");
                assertEquals(143, b.stop(), b.log()); // SIGTERM: a clean stop
            }
        }
    }

    /**
     * The caller's message in the fallback voicemail reaches node B through the dialplan's h
     * extension long before node A would count as silent (60 s here): node B ends the call at once
     * and pages the caller with their words.
     */
    @Test
    void theFallbacksMessageHandedToTheOtherNodeEndsTheCallAtOnceAndPagesWithIt() throws Exception {
        try (PgSchema pg = PgSchema.fresh()) {
            ServerProcess a = node(pg, "a", "60s");
            ServerProcess b = node(pg, "b", "60s");
            try (a; b; Socket s = new Socket()) {
                long ticket = urgentCallerConfirmingOn(a, b, s, pg, "1764100000.2");
                a.kill();
                String words = "/var/spool/asterisk/pagerline/fallback/20261207-030000-12045550123-1764100000.2";

                List<String> commands = new org.pagerline.testkit.FakeAsterisk("127.0.0.1", b.agiPort(), Duration.ofSeconds(20))
                        .fallbackMessage("+12045550123", "1764100000.2", words);

                assertTrue(commands.contains("SET VARIABLE \"PAGERLINE_FALLBACK_TAKEN\" \"1\""), commands.toString());
                assertEquals(List.of(words), strings(pg, "SELECT recording FROM incidents WHERE ticket_id=?", ticket),
                        "one incident, paging with the caller's words");
                assertEquals(List.of("CUT_OFF " + words), strings(pg, "SELECT outcome || ' ' || fallback_recording FROM calls"
                        + " WHERE ticket_id=?", ticket));
                List<String> lines = strings(pg, "SELECT kind || ': ' || detail FROM ticket_events WHERE ticket_id=?"
                        + " ORDER BY id", ticket);
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("CALL_CUT_OFF: the dialplan's fallback voicemail took"
                        + " the caller")), lines.toString());
                assertEquals(143, b.stop(), b.log());
            }
        }
    }

    /**
     * Starts both nodes, then an urgent P1 caller on node A (over {@code s}) up to the call-back
     * confirmation, their priority in the database; returns their ticket.
     */
    private static long urgentCallerConfirmingOn(ServerProcess a, ServerProcess b, Socket s, PgSchema pg, String uid)
            throws Exception {
        a.begin();
        b.begin();
        a.awaitUp();
        b.awaitUp();
        RawAgiCaller caller = new RawAgiCaller(s, a.agiPort(), uid);
        caller.keys.add("1"); // urgent
        caller.keys.add("1"); // P1
        caller.answerUntil("pagerline/callback-confirm");
        long ticket = Long.parseLong(caller.ticket);
        Eventually.await(Duration.ofSeconds(20), "the caller's priority on their call",
                () -> strings(pg, "SELECT urgent_priority FROM calls WHERE ticket_id=?", ticket).contains("P1"));
        return ticket;
    }

    private ServerProcess node(PgSchema pg, String name) throws IOException {
        return node(pg, name, "3s");
    }

    private ServerProcess node(PgSchema pg, String name, String deadAfter) throws IOException {
        return pg.node(dir.resolve(name), Map.of("db.pool-size", "4", "scheduler.sweep-interval", "2s",
                "line.dead-node-after", deadAfter));
    }

    private static List<String> strings(PgSchema pg, String sql, long ticket) {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, ticket);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
