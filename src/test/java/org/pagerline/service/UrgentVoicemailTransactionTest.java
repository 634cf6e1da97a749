package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * An urgent voicemail and its incident commit together. The database "goes
 * away" right after the first commit that holds the VOICEMAIL event; before the fix that commit
 * held only the voicemail, leaving a saved urgent message nobody would ever be paged for.
 */
class UrgentVoicemailTransactionTest {
    final TestDatabase db = TestDatabase.inMemory();
    final MutableClock clock = MutableClock.at("2026-11-23T21:00:00-06:00");

    @AfterEach
    void close() {
        db.close();
    }

    /** Real transactions that fail every transaction after the one that first commits a VOICEMAIL event. */
    static final class DiesAfterTheVoicemail implements Transactions {
        final Transactions real;
        volatile boolean down;

        DiesAfterTheVoicemail(Transactions real) {
            this.real = real;
        }

        @Override
        public <T> T inTransaction(Function<Stores, T> work) {
            if (down) {
                throw new IllegalStateException("database connection lost");
            }
            T out = real.inTransaction(work);
            down = real.inTransaction(s -> s.tickets().list(10).stream()
                    .anyMatch(t -> s.tickets().events(t.id()).stream().anyMatch(e -> e.kind().equals("VOICEMAIL"))));
            return out;
        }
    }

    @Test
    void theVoicemailNeverCommitsWithoutItsIncident() {
        Transactions real = db.transactions();
        DiesAfterTheVoicemail tx = new DiesAfterTheVoicemail(real);
        TicketService tickets = new TicketService(tx, clock);
        IncidentService incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
        CallService calls = new CallService(tx, tickets, new PhoneNumbers("CA"), incidents, clock, Duration.ofHours(4),
                Duration.ofMinutes(30), Set.of("CA", "US"));
        CallService.CallStart start = calls.start("1763900000.1", "PJSIP/trunk-1", "+12045550123", "Jane");
        calls.callback(start.callId(), "+12045550123", "caller ID, confirmed");

        try {
            calls.messageLeft(start.callId(), "/var/spool/asterisk/pagerline/ticket-1-call-1", 20, false, true, Priority.P1);
        } catch (RuntimeException expected) {
            // the fallback bookkeeping cannot reach the database either
        }

        List<String> kinds = real.inTransaction(s -> s.tickets().events(start.ticketId())).stream()
                .map(TicketEvent::kind).toList();
        assertTrue(kinds.contains("VOICEMAIL"), kinds.toString());
        assertEquals(1, real.inTransaction(s -> s.incidents().list(10, true)).size(),
                "the incident committed with the voicemail: " + kinds);
    }
}
