package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.testkit.TestDatabase;

/**
 * A call's start opens its ticket without reading the new row back: what {@code insert} returns
 * and the life {@code insertedLife} says it has are what the database then holds (to the
 * microsecond the columns keep), so the ticket's first save compares against the truth.
 */
class ANewTicketIsKnownWithoutReadingItBackTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, priority {1}")
    @CsvSource(value = {"PHONE, NULL", "PORTAL, P2", "EMAIL, NULL"}, nullValues = "NULL")
    void theInsertedTicketAndItsLifeAreWhatReadingThemBackGives(TicketSource source, Priority priority) throws Exception {
        Instant at = Instant.parse("2026-12-03T03:04:05.123456789Z"); // nanoseconds the columns do not keep
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            db.transactions().inTransaction(s -> {
                Ticket inserted = s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN, source, priority,
                        "+12045550199", "Pat Doe", "Acme", null, null));
                assertEquals(s.tickets().find(inserted.id()).orElseThrow(), inserted);
                assertEquals(s.tickets().life(inserted.id()).orElseThrow(), s.tickets().insertedLife(inserted));
                return null;
            });
        }
    }
}
