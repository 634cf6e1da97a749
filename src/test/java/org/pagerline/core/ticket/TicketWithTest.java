package org.pagerline.core.ticket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The services tell whether a ticket needs writing by whether {@code withPriority} and
 * {@code withCallback} gave them another ticket: the urgent voicemail's commit, which the caller
 * waits for, wrote the ticket again when it already had the priority and the call-back number.
 */
class TicketWithTest {
    private static final Instant AT = Instant.parse("2026-12-05T03:00:00Z");
    private final Ticket t = new Ticket(7, AT, AT, TicketStatus.OPEN, TicketSource.PHONE, Priority.P2, "+12045559999",
            "Jane Doe", "Acme", "+12045559999", null);

    @Test
    void theSamePriorityOrCallBackNumberIsTheSameTicket() {
        assertSame(t, t.withPriority(Priority.P2));
        assertSame(t, t.withCallback("+12045559999"));
    }

    @Test
    void anotherPriorityOrCallBackNumberIsAnotherTicket() {
        Ticket p1 = t.withPriority(Priority.P1);
        assertNotSame(t, p1);
        assertEquals(Priority.P1, p1.priority());
        Ticket other = t.withCallback("+12045550000");
        assertEquals("+12045550000", other.callbackNumber());
        assertNull(t.withCallback(null).callbackNumber());
    }
}
