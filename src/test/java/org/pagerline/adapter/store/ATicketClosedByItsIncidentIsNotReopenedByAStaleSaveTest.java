package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.OpeningWindow;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.CountedTime;
import org.pagerline.core.ticket.ServiceLevels;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.TestDatabase;

/**
 * A ticket's facts saved whole (its incident resolved closes it; an urgent voicemail sets its
 * priority and call-back number) move its version, like a save of its life: a life read before
 * them (the clock engine's pass, a technician taking the ticket, a customer's reply) is not saved
 * over them, so the closed ticket does not open again with the stale state, and the one saving
 * reads it again. On the H2 file here; on PostgreSQL in {@link PostgresStoreIT}.
 */
class ATicketClosedByItsIncidentIsNotReopenedByAStaleSaveTest {
    private static final Instant T0 = Instant.parse("2026-12-07T15:00:00Z");

    @TempDir
    Path dir;

    @Test
    void onTheH2File() {
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            check(db.transactions());
        }
    }

    /** The behaviour, on any database pagerline runs on. */
    static void check(Transactions tx) {
        Ticket t = new TicketService(tx, Clock.fixed(T0, ZoneOffset.UTC))
                .openOrReuse(TicketSource.PHONE, "+12045550142", "Kim", "Acme", Duration.ofHours(1));
        TicketLife read = tx.inTransaction(s -> s.tickets().life(t.id())).orElseThrow();

        // meanwhile the ticket's incident is resolved, which closes the ticket by its facts
        tx.inTransaction(s -> {
            s.tickets().update(s.tickets().find(t.id()).orElseThrow().withStatus(TicketStatus.CLOSED).touchedAt(T0.plusSeconds(60)));
            return null;
        });

        // a technician takes the ticket as it was read before the close
        TicketLife taken = read.take(7, "Pat", T0.plusSeconds(61), levels()).life();
        boolean saved = tx.inTransaction(s -> s.tickets().saveLife(read, taken, taken.nextCheck(), T0.plusSeconds(61)));

        assertFalse(saved, "a life read before the close is not saved over it");
        assertEquals(TicketStatus.CLOSED, tx.inTransaction(s -> s.tickets().find(t.id())).orElseThrow().status());
        assertEquals(TicketState.CLOSED, tx.inTransaction(s -> s.tickets().life(t.id())).orElseThrow().state());

        // read again, the close is what the next save starts from
        TicketLife fresh = tx.inTransaction(s -> s.tickets().life(t.id())).orElseThrow();
        assertEquals(TicketState.CLOSED, fresh.state());
    }

    private static ServiceLevels levels() {
        BusinessCalendar cal = new BusinessCalendar(ZoneId.of("America/Winnipeg"),
                OpeningWindow.parseWeek("Mon-Fri 08:00-17:00"), List.of());
        return new ServiceLevels(new CountedTime(cal), ServiceLevels.CONTACT_WITHIN,
                Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND, Duration.ofMinutes(30),
                        ClockKind.RESOLVE, Duration.ofHours(1)), Duration.ofHours(72));
    }
}
