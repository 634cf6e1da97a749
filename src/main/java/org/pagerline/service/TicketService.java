package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;

/** Tickets and their timelines. Every call creates one, or updates the caller's recent open one. */
public final class TicketService {
    private final Transactions tx;
    private final Clock clock;

    public TicketService(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    /** A ticket with its timeline, oldest event first. */
    public record TicketView(Ticket ticket, List<TicketEvent> events) {}

    /**
     * The caller's open ticket updated within {@code reuseWithin}, or a new one. Unknown or
     * withheld caller IDs always get a new ticket: two strangers must not share one.
     */
    public Ticket openOrReuse(TicketSource source, String callerNumber, String callerName, String company, Duration reuseWithin) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> openOrReuse(s, now, source, callerNumber, callerName, company, reuseWithin));
    }

    /** As {@link #openOrReuse(TicketSource, String, String, String, Duration)}, inside the caller's transaction. */
    static Ticket openOrReuse(Stores s, Instant now, TicketSource source, String callerNumber, String callerName,
            String company, Duration reuseWithin) {
        boolean identifiable = callerNumber != null && !callerNumber.isBlank() && !"unknown".equalsIgnoreCase(callerNumber)
                && !"anonymous".equalsIgnoreCase(callerNumber);
        if (identifiable) {
            Optional<Ticket> open = s.tickets().findOpenByCaller(callerNumber, now.minus(reuseWithin));
            if (open.isPresent()) {
                Ticket t = open.get();
                s.tickets().addEvent(t.id(), now, "REOPENED_BY_CALL", "the caller called again");
                return s.tickets().find(t.id()).orElseThrow();
            }
        }
        Ticket t = s.tickets().insert(new Ticket(0, now, now, TicketStatus.OPEN, source, null, callerNumber,
                callerName, company, null, null));
        s.tickets().addEvent(t.id(), now, "OPENED", "ticket opened (" + source.name().toLowerCase() + ")");
        return t;
    }

    /**
     * A ticket from an email whose facts are complete (or whose sender is a known contact), opened
     * inside the caller's transaction (the mail that led to it is recorded in the same commit).
     * Source EMAIL; the first number is the call-back number, every number is on the timeline.
     */
    public Ticket openFromEmail(Stores s, Instant at, String name, String company, List<String> phones, String summary) {
        String text = summary == null ? null : summary.length() > 1000 ? summary.substring(0, 997) + "..." : summary;
        Ticket t = s.tickets().insert(new Ticket(0, at, at, TicketStatus.OPEN, TicketSource.EMAIL, null, null, cut(name), cut(company),
                phones.isEmpty() ? null : phones.get(0), text));
        s.tickets().addEvent(t.id(), at, "OPENED", "ticket opened (email)"
                + (phones.size() > 1 ? "; call-back numbers " + String.join(", ", phones) : ""));
        return t;
    }

    /** What a stranger wrote as their name or company, within the columns' 200 characters. */
    private static String cut(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    /**
     * The requester wrote again on this ticket (an email reply). For now a timeline line; the
     * ticket's state model (issue 10) turns this into resume (waiting on customer) or reopen.
     */
    public void customerReplied(Stores s, long id, String text) {
        require(s, id);
        String t = text == null ? "" : text.strip();
        s.tickets().addEvent(id, clock.instant(), "CUSTOMER_REPLIED", t.length() > 300 ? t.substring(0, 297) + "..." : t);
    }

    /** As {@link #customerReplied(Stores, long, String)}, in a transaction of its own. */
    public void customerReplied(long id, String text) {
        tx.run(s -> customerReplied(s, id, text));
    }

    public TicketEvent addEvent(long ticketId, String kind, String detail) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            require(s, ticketId);
            return s.tickets().addEvent(ticketId, now, kind, detail);
        });
    }

    public Ticket find(long id) {
        return tx.inTransaction(s -> require(s, id));
    }

    public TicketView show(long id) {
        return tx.inTransaction(s -> new TicketView(require(s, id), s.tickets().events(id)));
    }

    public List<Ticket> list(int limit) {
        return tx.inTransaction(s -> s.tickets().list(limit));
    }

    public Ticket close(long id, String why) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            Ticket t = require(s, id);
            if (t.status() == TicketStatus.CLOSED) {
                return t;
            }
            Ticket closed = t.withStatus(TicketStatus.CLOSED).touchedAt(now);
            s.tickets().update(closed);
            s.tickets().addEvent(id, now, "CLOSED", why == null || why.isBlank() ? "closed" : why);
            return closed;
        });
    }

    static Ticket require(Stores s, long id) {
        return s.tickets().find(id).orElseThrow(() -> new NotFoundException("no ticket with id " + id));
    }
}
