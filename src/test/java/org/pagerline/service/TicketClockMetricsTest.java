package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pagerline.testkit.TicketRig.LEE;
import static org.pagerline.testkit.TicketRig.VAL;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Requester;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.TicketRig;

/** The ticket clocks' warnings and breaches are counted for /metrics once each, by priority and clock. */
class TicketClockMetricsTest {
    @TempDir
    Path dir;

    /** What the engine counted, in order ("warning P3 respond"). */
    static final class Counted implements Metrics {
        final List<String> seen = new ArrayList<>();

        @Override
        public void slaWarning(Priority priority, String target) {
            seen.add("warning " + priority + " " + target);
        }

        @Override
        public void slaBreach(Priority priority, String target) {
            seen.add("breach " + priority + " " + target);
        }
    }

    @Test
    void aWarningAndABreachAreCountedOnceEachAcrossARestart() {
        Counted counted = new Counted();
        try (TicketRig r = new TicketRig(dir, "2026-12-04T16:00")) {
            r.ticketClocks.attachMetrics(counted);
            long id = r.tickets.open(TicketSource.EMAIL, new Requester("Jane Doe", "Acme", "+12045559999", "jane@acme.example"),
                    Priority.P3, "The printer on 3 is jammed").ticket().id();
            r.pass();
            r.at("2026-12-07T10:30");   // respond: 4 business hours, due Monday 11:00, warned 30 min before
            r.expectSms(LEE, "ticket " + id + " (Jane Doe, Acme): respond target due Mon 2026-12-07 11:00 CST");
            assertEquals(List.of("warning P3 respond"), counted.seen);
            r.restart();
            r.ticketClocks.attachMetrics(counted);
            r.at("2026-12-07T10:45");   // the restarted engine does not count the same warning again
            assertEquals(List.of("warning P3 respond"), counted.seen);
            r.at("2026-12-07T11:00");
            r.expectSms(LEE, "respond target MISSED");
            r.expectSms(VAL, "respond target MISSED");
            assertEquals(List.of("warning P3 respond", "breach P3 respond"), counted.seen);
        }
    }
}
