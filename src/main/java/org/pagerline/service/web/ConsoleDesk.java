package org.pagerline.service.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.incident.EscalationPolicy;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.Target;
import org.pagerline.core.mail.ThreadEntry;
import org.pagerline.core.page.Page;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.text.TextField;
import org.pagerline.core.ticket.ClockState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.core.web.Attachment;
import org.pagerline.core.web.StaffUser;
import org.pagerline.core.web.TicketRow;
import org.pagerline.service.IncidentService;
import org.pagerline.service.NotFoundException;
import org.pagerline.service.QueueService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.ValidationException;

/**
 * The staff console's side of the desk: what its live views show (a read model of its own, one
 * transaction per view) and the actions a signed-in staff member takes, each written to the
 * ticket's timeline with their name. Ticket states and clocks belong to the ticket's life: "take",
 * "note", "wait" and "resolve" are {@link TicketService} transitions, and the clocks shown are the
 * ticket's own (contact, respond, resolve), never a guess from the priority.
 */
public final class ConsoleDesk {
    /** How many open tickets the console list shows (the count says how many more there are). */
    public static final int TICKET_LIST_LIMIT = 200;
    private final Transactions tx;
    private final Clock clock;
    private final Services services;

    public ConsoleDesk(Transactions tx, Clock clock, Services services) {
        this.tx = tx;
        this.clock = clock;
        this.services = services;
    }

    // --- What the live views show -------------------------------------------------------------

    /** How close a clock is to its deadline. */
    public enum Urgency {
        /** More than a quarter of the time left. */
        OK,
        /** A quarter or less of the time left. */
        NEAR,
        /** Past due. */
        BREACHED,
        /** No clock (no priority yet). */
        NONE
    }

    /** One deadline as shown: what it is, when it falls due, how close it is. */
    public record DueClock(String what, Instant due, Urgency urgency) {}

    /** An open ticket of the list: its facts, its state in the ticket's life, its next deadline. */
    public record OpenTicket(TicketRow ticket, TicketState state, DueClock clock) {}

    public record TicketList(Instant at, List<OpenTicket> tickets, int total) {}

    public record PageLine(Instant at, String who, String channel, String kind, String state, int attempts, String error) {}

    /** An incident with its escalation: who was paged when, how, and who is next when. */
    public record IncidentLine(Incident incident, List<PageLine> pages, String next, Instant nextAt) {}

    public record OnCallLine(Role role, String now, Instant until, String next) {}

    public record Desk(Instant at, QueueService.QueueView queue, TicketList tickets, List<IncidentLine> incidents,
            List<OnCallLine> onCall) {}

    /** Changes whenever anything the live views show does (one cheap query). */
    public String fingerprint() {
        return tx.inTransaction(s -> s.web().consoleFingerprint());
    }

    public QueueService.QueueView queue() {
        return services.queue().view();
    }

    /**
     * The open tickets in the order received, each with its next deadline from the ticket's own
     * clocks ({@link TicketService#queue}); the state shown is the ticket's {@link TicketState}.
     */
    public TicketList openTickets() {
        TicketService.Queue q = services.tickets().queue(TICKET_LIST_LIMIT);
        Instant now = q.asOf();
        return tx.inTransaction(s -> {
            Map<Long, TicketRow> facts = new HashMap<>();
            for (TicketRow t : s.web().openTickets(TICKET_LIST_LIMIT)) {
                facts.put(t.id(), t);
            }
            List<OpenTicket> out = new ArrayList<>();
            for (TicketService.QueueRow r : q.rows()) {
                TicketRow t = facts.get(r.id());
                if (t != null) {   // else closed between the two reads
                    out.add(new OpenTicket(t, r.state(), clockOf(r, now)));
                }
            }
            return new TicketList(now, out, s.web().openTicketCount());
        });
    }

    /** The ticket's next deadline as the queue has it: which clock, when, how close (warned = near). */
    static DueClock clockOf(TicketService.QueueRow r, Instant now) {
        if (r.nextClock() == null || r.nextDue() == null) {
            return new DueClock(r.priority() == null ? "no priority yet" : "no clock running", null, Urgency.NONE);
        }
        return new DueClock(r.nextClock().words() + " by", r.nextDue(), urgency(r.nextClockState(), r.nextDue(), now));
    }

    /** The next live clock of a ticket's detail (none once met, stopped or paused). */
    static DueClock clockOf(TicketService.TicketDetail d, Instant now) {
        TicketService.ClockView next = null;
        for (TicketService.ClockView c : d.clocks()) {
            if (c.metAt() == null && c.stoppedAt() == null && c.dueAt() != null
                    && (next == null || c.dueAt().isBefore(next.dueAt()))) {
                next = c;
            }
        }
        if (next == null) {
            return new DueClock(d.state().open() ? (d.ticket().priority() == null && !d.project() ? "no priority yet"
                    : "no clock running") : d.state().words(), null, Urgency.NONE);
        }
        Urgency u = urgency(next.state(), next.dueAt(), now);
        if (u == Urgency.OK && next.warnAt() != null && !now.isBefore(next.warnAt())) {
            u = Urgency.NEAR;
        }
        return new DueClock(next.kind().words() + " by", next.dueAt(), u);
    }

    /** Every clock of the ticket, as the ticket page lists them. */
    static List<DueClock> clocksOf(TicketService.TicketDetail d, Instant now) {
        List<DueClock> out = new ArrayList<>();
        for (TicketService.ClockView c : d.clocks()) {
            boolean live = c.metAt() == null && c.stoppedAt() == null;
            Urgency u = live ? urgency(c.state(), c.dueAt(), now) : Urgency.NONE;
            if (u == Urgency.OK && c.warnAt() != null && !now.isBefore(c.warnAt())) {
                u = Urgency.NEAR;
            }
            out.add(new DueClock(c.kind().words() + " (" + c.target() + "): " + c.state().words(), c.dueAt(), u));
        }
        return out;
    }

    static Urgency urgency(ClockState state, Instant due, Instant now) {
        if (due == null) {
            return Urgency.NONE;
        }
        if (state == ClockState.BREACHED || !now.isBefore(due)) {
            return Urgency.BREACHED;
        }
        return state == ClockState.WARNED ? Urgency.NEAR : Urgency.OK;
    }

    static Priority priority(String word) {
        try {
            return word == null ? null : Priority.parse(word);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public List<IncidentLine> incidents() {
        Instant now = clock.instant();
        List<Incident> live = services.incidents().list(50, true);
        if (live.isEmpty()) {
            return List.of();
        }
        EscalationPolicy policy = services.incidents().policy();
        return tx.inTransaction(s -> {
            Map<Role, Optional<OnCallShift>> onCall = RosterService.onCall(s.roster(), now);
            List<IncidentLine> out = new ArrayList<>();
            for (Incident i : live) {
                List<PageLine> pages = new ArrayList<>();
                for (Page p : s.pages().forIncident(i.id())) {
                    pages.add(new PageLine(p.sentAt() != null ? p.sentAt() : p.createdAt(), p.technicianName(),
                            p.channel().name(), p.kind().name(), p.state().name(), p.attempts(), p.lastError()));
                }
                String next = null;
                if (i.nextEscalationAt() != null && i.nextStep() >= 0 && i.nextStep() < policy.steps().size()) {
                    List<String> who = new ArrayList<>();
                    for (Target t : policy.steps().get(i.nextStep()).targets()) {
                        who.add(describe(t, onCall, s));
                    }
                    next = "step " + (i.nextStep() + 1) + ": " + String.join(", ", who);
                }
                out.add(new IncidentLine(i, pages, next, i.nextEscalationAt()));
            }
            return out;
        });
    }

    private static String describe(Target t, Map<Role, Optional<OnCallShift>> onCall, org.pagerline.service.Stores s) {
        if (t instanceof Target.OnCall o) {
            return o.role().name() + onCall.getOrDefault(o.role(), Optional.empty())
                    .map(sh -> " (" + sh.technician().name() + ")").orElse(" (nobody on call)");
        }
        if (t instanceof Target.Named n) {
            return n.name();
        }
        if (t instanceof Target.Technician id) {
            return s.roster().technician(id.id()).map(Technician::name).orElse("#" + id.id());
        }
        return t.toString();
    }

    public List<OnCallLine> onCall() {
        Instant now = clock.instant();
        Map<Role, Optional<OnCallShift>> current = services.roster().onCall(now);
        List<OnCallLine> out = new ArrayList<>();
        Map<Role, Optional<OnCallShift>> sorted = new EnumMap<>(Role.class);
        sorted.putAll(current);
        for (Map.Entry<Role, Optional<OnCallShift>> e : sorted.entrySet()) {
            Optional<OnCallShift> sh = e.getValue();
            String next = null;
            if (sh.isPresent()) {
                next = services.roster().onCall(sh.get().until()).getOrDefault(e.getKey(), Optional.empty())
                        .map(n -> n.technician().name()).orElse("nobody");
            }
            out.add(new OnCallLine(e.getKey(), sh.map(x -> x.technician().name()).orElse(null),
                    sh.map(OnCallShift::until).orElse(null), next));
        }
        return out;
    }

    public Desk desk() {
        return new Desk(clock.instant(), queue(), openTickets(), incidents(), onCall());
    }

    // --- A ticket's page ----------------------------------------------------------------------

    /** A recording of one of the ticket's calls (played from {@code /console/recordings/{callId}}). */
    public record Recording(long callId, Instant at, String name) {}

    /** A ticket's page: its state ({@link TicketState}), its next deadline and every clock from the ticket's life. */
    public record TicketPage(Ticket ticket, TicketState state, String ownerName, DueClock clock, List<DueClock> clocks,
            List<TicketEvent> timeline, List<Recording> recordings, List<Attachment> attachments, List<Incident> incidents,
            List<MailLine> mail, List<String> mailAttachments, boolean project) {}

    /**
     * One message of the ticket's email thread, in or out: who to whom, the subject and the text;
     * {@code state} is what intake did with a message in, or the send state of one out.
     */
    public record MailLine(Instant at, boolean incoming, String from, String to, String subject, String body, String state) {}

    public TicketPage ticket(long id) {
        TicketService.TicketDetail d = services.tickets().detail(id);
        Instant now = d.asOf();
        return tx.inTransaction(s -> {
            List<Recording> recs = new ArrayList<>();
            for (CallRecord c : s.calls().forTicket(id)) {
                if (c.recording() != null && !c.recording().isBlank()) {
                    recs.add(new Recording(c.id(), c.startedAt(), c.recording()));
                }
            }
            List<Incident> incidents = new ArrayList<>();
            for (Incident i : s.incidents().list(1000, false)) {
                if (i.ticketId() == id) {
                    incidents.add(i);
                }
            }
            List<TicketEvent> timeline = new ArrayList<>(d.timeline());
            timeline.sort(java.util.Comparator.comparing(TicketEvent::at).thenComparingLong(TicketEvent::id));
            List<MailLine> mail = new ArrayList<>();
            for (ThreadEntry m : s.mail().thread(id)) {
                String state = m.incoming() ? words(m.outcome()) + (m.flags() == null ? "" : "; " + m.flags())
                        : words(m.outcome()) + ", " + (m.sendState() == null ? "pending" : words(m.sendState()))
                        + (m.flags() == null ? "" : ": " + m.flags());
                mail.add(new MailLine(m.at(), m.incoming(), m.from(), m.to(), m.subject(), m.body(), state));
            }
            List<String> mailFiles = new ArrayList<>();
            for (String[] a : s.mail().attachments(id)) {
                mailFiles.add(a[0] + " (" + a[1] + " bytes" + (a[3] == null ? ", kept" : ", refused: " + a[3]) + ")");
            }
            return new TicketPage(d.ticket(), d.state(), d.ownerName(), clockOf(d, now), clocksOf(d, now), timeline, recs,
                    s.web().attachments(id), incidents, mail, mailFiles, d.project());
        });
    }

    private static String words(String code) {
        return code == null ? "" : code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** The recording file of a call, by the call's id: only a recording a call of some ticket has. */
    public Optional<String> recordingOf(long callId) {
        return tx.inTransaction(s -> s.calls().find(callId).map(CallRecord::recording).filter(r -> !r.isBlank()));
    }

    public Optional<Attachment> attachment(long id) {
        return tx.inTransaction(s -> s.web().attachment(id));
    }

    public Optional<byte[]> attachmentBytes(long id) {
        return tx.inTransaction(s -> s.web().attachmentBytes(id));
    }

    // --- Actions, each on the timeline with who took it ---------------------------------------

    /** What an action did, in a sentence for the page. */
    public record Done(boolean changed, String message) {}

    /**
     * Takes the ticket ({@link TicketService#take}): the account's technician becomes its owner; a
     * refusal (a closed ticket, an account that is no technician) is a {@link ValidationException}.
     */
    public Done take(long ticketId, StaffUser who) {
        Technician t = technicianOf(who);
        TicketService.TicketDetail d = services.tickets().take(ticketId, String.valueOf(t.id()));
        return new Done(true, "you took ticket " + ticketId + " (" + d.state().words() + ")");
    }

    /** An internal note ({@link TicketService#note}), with the staff member's name. */
    public Done note(long ticketId, StaffUser who, String text) {
        String body = WebText.body("note", text, NOTE_MAX);
        if (body == null) {
            throw new ValidationException("the note is empty");
        }
        Optional<Technician> t = technicianIfAny(who);
        services.tickets().note(ticketId, t.map(x -> String.valueOf(x.id())).orElse(null), byName(who, t, body));
        return new Done(true, "note added to ticket " + ticketId);
    }

    /**
     * A reply to the customer: shown on the portal's timeline of the ticket and, for a ticket that
     * came by email, mailed to its requester (queued in the same commit as the timeline line,
     * threaded to the ticket's last message).
     */
    public Done reply(long ticketId, StaffUser who, String text) {
        String body = WebText.body("reply", text, 1800);
        if (body == null) {
            throw new ValidationException("the reply is empty");
        }
        Instant now = clock.instant();
        Optional<String> mailedTo = tx.inTransaction(s -> {
            s.tickets().find(ticketId).orElseThrow(() -> new NotFoundException("no ticket " + ticketId));
            s.tickets().addEvent(ticketId, now, PortalDesk.STAFF_REPLY, who.name() + ": " + body);
            return services.mail() == null ? Optional.<String>empty()
                    : services.mail().queueStaffReply(s, ticketId, body, now);
        });
        if (mailedTo.isPresent()) {
            services.mail().sendQueued();
            return new Done(true, "reply added to ticket " + ticketId + " and emailed to " + mailedTo.get());
        }
        return new Done(true, "reply added to ticket " + ticketId);
    }

    /** Waiting on the customer ({@link TicketService#waitOnCustomer}): the resolve clock pauses. */
    public Done waitOnCustomer(long ticketId, StaffUser who, String why) {
        String body = WebText.body("reason", why, 500);
        Optional<Technician> t = technicianIfAny(who);
        services.tickets().waitOnCustomer(ticketId, t.map(x -> String.valueOf(x.id())).orElse(null), byName(who, t, body));
        return new Done(true, "ticket " + ticketId + " is waiting on the customer");
    }

    /** Resolved ({@link TicketService#resolve}): every running clock is met; it closes after the quiet time. */
    public Done resolve(long ticketId, StaffUser who, String how) {
        String body = WebText.body("resolution", how, 500);
        Optional<Technician> t = technicianIfAny(who);
        services.tickets().resolve(ticketId, t.map(x -> String.valueOf(x.id())).orElse(null), byName(who, t, body));
        return new Done(true, "ticket " + ticketId + " resolved");
    }

    /** Internal notes are kept within the ticket model's note length. */
    static final int NOTE_MAX = 1500 - 120;

    /**
     * The text the ticket's life records: a technician's own name is the "who" of the line; any other
     * staff account (an admin, a lead with no roster entry) is named in the text, marked as the console.
     */
    private static String byName(StaffUser who, Optional<Technician> t, String text) {
        if (t.isPresent()) {
            return text;
        }
        return who.name() + " (console)" + (text == null ? "" : ": " + text);
    }

    /** Acknowledges an incident as the technician of the same name as the staff account. */
    public Done acknowledge(long incidentId, StaffUser who) {
        Technician t = technicianOf(who);
        IncidentService.Response r = services.incidents().acknowledge(incidentId, String.valueOf(t.id()), "the console");
        return new Done(r.changed(), r.message());
    }

    public Done queueSignIn(StaffUser who) {
        Technician t = technicianOf(who);
        QueueService.SignChange c = services.queue().signIn(String.valueOf(t.id()));
        return new Done(c.changed(), c.changed() ? t.name() + " signed in to the queue" : t.name() + " was already signed in");
    }

    public Done queueSignOut(StaffUser who) {
        Technician t = technicianOf(who);
        QueueService.SignChange c = services.queue().signOut(String.valueOf(t.id()));
        return new Done(c.changed(), c.changed() ? t.name() + " signed out of the queue" : t.name() + " was not signed in");
    }

    /** The roster's technician with the account's name; a clear error for an account that is not one. */
    public Technician technicianOf(StaffUser who) {
        return tx.inTransaction(s -> s.roster().technicianByName(who.name()).orElseThrow(() -> new ValidationException(
                "your account '" + who.name() + "' is not a technician on the roster (add one with the same name)")));
    }

    public Optional<Technician> technicianIfAny(StaffUser who) {
        return tx.inTransaction(s -> s.roster().technicianByName(who.name()));
    }

    /** Unused text fields are checked by the same rules as everywhere (kept for the admin pages). */
    static String line(TextField f, String v) {
        return WebText.check(f, v);
    }
}
