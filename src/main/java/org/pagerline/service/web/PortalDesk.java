package org.pagerline.service.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.pagerline.core.directory.Client;
import org.pagerline.core.text.TextField;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.Requester;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.core.web.Attachment;
import org.pagerline.core.web.TicketRow;
import org.pagerline.service.NotFoundException;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client portal's side of the desk: sign-in links by email address, tickets filed and
 * followed by a known client contact, who sees only their own company's tickets and only the
 * timeline lines meant for customers.
 */
public final class PortalDesk {
    private static final Logger log = LoggerFactory.getLogger(PortalDesk.class);
    /** A sign-in link works once, within this. */
    public static final Duration LINK_TTL = Duration.ofMinutes(15);
    /** Links one contact may be sent per {@link #LINK_TTL} (more are silently not sent). */
    public static final int LINKS_PER_WINDOW = 3;
    /** The portal's promise: the client is contacted within six hours. */
    public static final Duration CONTACT_WITHIN = Duration.ofHours(6);
    public static final int MAX_ATTACHMENT = 5 * 1024 * 1024;
    public static final int MAX_ATTACHMENTS = 5;
    public static final int MAX_DESCRIPTION = 1800;

    /** Timeline kinds written here (and by the console) that the customer sees. */
    public static final String PORTAL_REPLY = "CUSTOMER_REPLY";
    public static final String STAFF_REPLY = "REPLY";
    public static final String WAITING = "WAITING_ON_CUSTOMER";
    static final String DESCRIPTION = "DESCRIPTION";
    /** The portal's own line on a new ticket: who filed it, the call-back number, the contact-by time. */
    static final String FILED = "FILED_ON_PORTAL";
    private static final Set<String> CUSTOMER_KINDS = Set.of("OPENED", FILED, DESCRIPTION, PORTAL_REPLY, STAFF_REPLY,
            WAITING, "TAKEN", "ACKNOWLEDGED", "IN_PROGRESS", "CONTACTED", "CUSTOMER_REPLIED", "CLOSED", "RESOLVED",
            "REOPENED", "ATTACHMENT");
    /** The one time format for people: {@code Mon 2026-12-07 09:15 CST}, in the desk's zone. */
    static final java.time.format.DateTimeFormatter PEOPLE_TIME = java.time.format.DateTimeFormatter
            .ofPattern("EEE yyyy-MM-dd HH:mm zzz", Locale.ENGLISH);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");

    private final Transactions tx;
    private final Clock clock;
    private final PhoneNumbers phones;
    private final Tokens tokens;
    private final LinkSender sender;
    private final Executor sendOff;
    private final TicketService tickets;

    /** @param tickets the ticket's life: a portal ticket is opened, and a client's reply recorded, through it */
    public PortalDesk(Transactions tx, Clock clock, PhoneNumbers phones, Tokens tokens, LinkSender sender, Executor sendOff,
            TicketService tickets) {
        this.tickets = tickets;
        this.tx = tx;
        this.clock = clock;
        this.phones = phones;
        this.tokens = tokens;
        this.sender = sender;
        this.sendOff = sendOff;
    }

    static String normalEmail(String email) {
        String e = WebText.check(TextField.EMAIL, email);
        if (e == null || !EMAIL.matcher(e).matches()) {
            throw new ValidationException("email '" + (e == null ? "" : e) + "' is not an email address");
        }
        return e.toLowerCase(Locale.ROOT);
    }

    /**
     * Sends a sign-in link to the contact with this address, if there is one and they have not had
     * {@link #LINKS_PER_WINDOW} in the last {@link #LINK_TTL}. Says nothing either way: the
     * caller answers the same whether the address is known or not. {@code base} is the portal's
     * public address ({@code http.public-url}).
     */
    public void requestLink(String email, String base) {
        String e;
        try {
            e = normalEmail(email);
        } catch (ValidationException bad) {
            return;
        }
        Instant now = clock.instant();
        String token = tokens.next();
        Optional<Client> client = tx.inTransaction(s -> {
            Optional<Long> id = s.web().clientByEmail(e);
            if (id.isEmpty()) {
                return Optional.<Client>empty();
            }
            if (s.web().linksSince(id.get(), now.minus(LINK_TTL)) >= LINKS_PER_WINDOW) {
                log.info("portal: sign-in link for client {} not sent: {} already in the last {} minutes", id.get(),
                        LINKS_PER_WINDOW, LINK_TTL.toMinutes());
                return Optional.<Client>empty();
            }
            s.web().saveLink(Tokens.hash(token), id.get(), now, now.plus(LINK_TTL));
            return s.clients().find(id.get());
        });
        client.ifPresent(c -> sendOff.execute(() -> {
            try {
                String how = sender.send(c, e, base + "/portal/link/" + token);
                log.info("portal: sign-in link for client {} sent ({})", c.id(), how);
            } catch (RuntimeException ex) {
                log.warn("portal: sign-in link for client {} not sent: {}", c.id(), ex.toString());
            }
        }));
    }

    /** Uses a link: the contact it signs in, once, within {@link #LINK_TTL}. */
    public Optional<Client> useLink(String token) {
        if (!Tokens.plausible(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return tx.inTransaction(s -> s.web().useLink(Tokens.hash(token), now).flatMap(id -> s.clients().find(id)));
    }

    public Optional<Client> client(long id) {
        return tx.inTransaction(s -> s.clients().find(id));
    }

    /** A file from the form. */
    public record Upload(String fileName, String contentType, byte[] bytes) {}

    /** The portal form's choice for a desktop project request, in place of a priority. */
    public static final String PROJECT = "PROJECT";

    /**
     * What a client fills in; checked by {@link #submit}.
     *
     * @param priority P1-P5, or {@link #PROJECT}
     */
    public record NewTicket(String name, String callback, String priority, String description, List<Upload> files) {}

    /**
     * Files a ticket (source PORTAL) for the contact's company: the required facts (full name, a
     * call-back number, a description), a priority P1-P5 or a desktop project request, and up to
     * {@link #MAX_ATTACHMENTS} files. Worked in the order received; opened through {@link TicketService#open}, so its contact clock
     * (six business hours) runs from now.
     */
    public Ticket submit(Client who, NewTicket n) {
        String name = WebText.check(TextField.CONTACT_NAME, n.name());
        if (name == null) {
            throw new ValidationException("your full name is missing");
        }
        if (n.callback() == null || n.callback().isBlank()) {
            throw new ValidationException("a call-back number is missing");
        }
        String callback = phones.requireE164(n.callback(), "call-back number");
        if (n.priority() == null || n.priority().isBlank()) {
            throw new ValidationException("pick a priority (P1 to P5) or a desktop project request");
        }
        boolean project = PROJECT.equalsIgnoreCase(n.priority().trim());
        Priority priority = project ? null : priority(n.priority());
        String description = WebText.body("description", n.description(), MAX_DESCRIPTION);
        if (description == null) {
            throw new ValidationException("the description is missing");
        }
        List<Upload> files = checkFiles(n.files());
        Instant now = clock.instant();
        // one commit: the ticket, its portal line and its files; a failure leaves none of them
        long id = tx.inTransaction(s -> {
            String email = s.web().clientEmail(who.id()).orElse(null);
            // the ticket's life opens it: NEW, its six-hour contact clock (and respond/resolve from the priority) running
            long t = tickets.open(s, now, TicketSource.PORTAL, new Requester(name, who.company(), callback, email), priority,
                    project, description);
            TicketService.TicketDetail d = tickets.detail(s, t, now);
            Instant contactBy = d.dueAt(ClockKind.CONTACT);
            Instant doneBy = project ? d.dueAt(ClockKind.RESOLVE) : null;
            s.tickets().addEvent(t, now, FILED, "filed on the portal by " + name + " of " + who.company() + ", "
                    + (project ? "a desktop project request" + (doneBy == null ? "" : ", done by "
                            + PEOPLE_TIME.format(doneBy.atZone(d.zone())))
                            : priority + " (" + priority.meaning() + ")")
                    + "; call back on " + callback + (contactBy == null ? ""
                    : "; contact by " + PEOPLE_TIME.format(contactBy.atZone(d.zone()))));
            attach(s, t, files, now);
            return t;
        });
        tickets.afterCommit();
        return tickets.find(id);
    }

    /** The form's P1-P5, refused in words naming the other choice too. */
    private static Priority priority(String chosen) {
        try {
            return Priority.parse(chosen);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage() + ", or a desktop project request");
        }
    }

    private static List<Upload> checkFiles(List<Upload> files) {
        List<Upload> out = new ArrayList<>();
        if (files == null) {
            return out;
        }
        for (Upload u : files) {
            if (u == null || u.bytes() == null || u.bytes().length == 0) {
                continue;
            }
            if (u.bytes().length > MAX_ATTACHMENT) {
                throw new ValidationException("attachment '" + safeName(u.fileName()) + "' is larger than "
                        + MAX_ATTACHMENT / 1024 / 1024 + " MB");
            }
            out.add(u);
        }
        if (out.size() > MAX_ATTACHMENTS) {
            throw new ValidationException("at most " + MAX_ATTACHMENTS + " attachments");
        }
        return out;
    }

    private static void attach(org.pagerline.service.Stores s, long ticketId, List<Upload> files, Instant now) {
        for (Upload u : files) {
            String name = safeName(u.fileName());
            String type = u.contentType() == null || !u.contentType().matches("[a-zA-Z0-9.+-]{1,40}/[a-zA-Z0-9.+-]{1,60}")
                    ? "application/octet-stream" : u.contentType().toLowerCase(Locale.ROOT);
            long id = s.web().insertAttachment(ticketId, name, type, u.bytes(), now);
            s.tickets().addEvent(ticketId, now, "ATTACHMENT", "attachment " + id + ": " + name + " (" + u.bytes().length
                    + " bytes)");
        }
    }

    /** A file name safe to show and to send back: its last path part, plain characters only, at most 100. */
    static String safeName(String raw) {
        String n = raw == null ? "" : raw.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ -]", "_").strip();
        if (n.isEmpty() || n.chars().allMatch(c -> c == '.')) {
            n = "file";
        }
        return n.length() > 100 ? n.substring(n.length() - 100) : n;
    }

    /** The contact's company's tickets, newest first. */
    public List<TicketRow> tickets(Client who) {
        return tx.inTransaction(s -> s.web().companyTickets(who.company(), 200));
    }

    /**
     * A ticket as its client sees it; {@code state} is the ticket's {@link TicketState}.
     *
     * @param project a desktop project request (done within one business day), not a fault with a priority
     */
    public record PortalTicket(Ticket ticket, TicketState state, List<TicketEvent> timeline, List<Attachment> attachments,
            boolean project) {}

    /** A ticket of the contact's company, with the customer's timeline; not found for any other company's. */
    public PortalTicket ticket(Client who, long id) {
        return tx.inTransaction(s -> {
            Ticket t = ownTicket(s, who, id);
            List<TicketEvent> lines = new ArrayList<>();
            for (TicketEvent e : s.tickets().events(id)) {
                if (CUSTOMER_KINDS.contains(e.kind())) {
                    lines.add(e);
                }
            }
            lines.sort(java.util.Comparator.comparing(TicketEvent::at).thenComparingLong(TicketEvent::id));
            Optional<TicketLife> life = s.tickets().life(id);
            return new PortalTicket(t, life.map(TicketLife::state).orElse(TicketState.NEW), lines,
                    s.web().attachments(id), t.priority() == null && life.map(TicketLife::projectRequest).orElse(false));
        });
    }

    /** True when the attachment belongs to a ticket of the contact's company. */
    public Optional<Attachment> attachment(Client who, long attachmentId) {
        return tx.inTransaction(s -> s.web().attachment(attachmentId)
                .filter(a -> s.web().companyTicket(a.ticketId(), who.company())));
    }

    /**
     * A reply from the contact, through the ticket's life ({@link TicketService#customerReplied(long, String, String)}):
     * on the timeline (customer-visible); a ticket waiting on the customer resumes, a resolved or closed one reopens.
     */
    public void reply(Client who, long id, String text, List<Upload> files) {
        String body = WebText.body("reply", text, MAX_DESCRIPTION);
        List<Upload> checked = checkFiles(files);
        if (body == null && checked.isEmpty()) {
            throw new ValidationException("the reply is empty");
        }
        Instant now = clock.instant();
        // one commit: the reply and its files
        tx.run(s -> {
            ownTicket(s, who, id);
            // the ticket's life: a ticket waiting on the customer resumes, a resolved or closed one reopens
            tickets.customerReplied(s, id, now, "the portal", body == null ? who.contactName() + " sent "
                    + (checked.size() == 1 ? "a file" : checked.size() + " files") : who.contactName() + ": " + body);
            attach(s, id, checked, now);
        });
        tickets.afterCommit();
    }

    /** A ticket the contact's portal shows ({@link org.pagerline.core.web.WebStore#companyTickets}); not found otherwise. */
    private static Ticket ownTicket(org.pagerline.service.Stores s, Client who, long id) {
        return s.tickets().find(id).filter(t -> s.web().companyTicket(id, who.company()))
                .orElseThrow(() -> new NotFoundException("no ticket " + id + " for " + who.company()));
    }
}
