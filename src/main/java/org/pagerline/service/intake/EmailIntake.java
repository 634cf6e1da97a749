package org.pagerline.service.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pagerline.core.directory.Client;
import org.pagerline.core.mail.AttachmentFiles;
import org.pagerline.core.mail.InboundMail;
import org.pagerline.core.mail.MailKind;
import org.pagerline.core.mail.MailStore;
import org.pagerline.core.mail.OutgoingMail;
import org.pagerline.core.mail.ThreadEntry;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.service.NotFoundException;
import org.pagerline.service.Stores;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.ValidationException;

/**
 * Email intake: one message in, one decision, one commit (PRODUCT.md, "Other ways in"). A
 * message becomes a ticket when it carries the requester's facts or comes from a known client
 * contact; otherwise the sender is told exactly what is missing, and the reply that adds it opens
 * the ticket. Replies join their ticket (pagerline's Message-IDs, then a [#123] subject tag).
 * Answers go to the outbox in the same transaction and are sent after commit ({@link MailOutbox}).
 * Nothing is ever sent in answer to automatic mail, bounces or lists, and at most
 * {@code replyCap} automatic answers go to one sender per {@code replyCapWindow}.
 */
public final class EmailIntake {

    /**
     * @param ownAddress     the desk's address (From of every message sent)
     * @param idDomain       the right-hand side of pagerline's Message-IDs
     * @param ackWithin      the acknowledge promise: 6 hours
     * @param tellStateChanges whether the requester is told each change of the ticket's state
     * @param requestKeptFor how long an incomplete request waits for the missing facts
     * @param phoneRegion    ISO country for numbers written without a country code
     */
    public record Settings(String ownAddress, String signature, String idDomain, Duration ackWithin, int replyCap,
            Duration replyCapWindow, boolean tellStateChanges, Duration requestKeptFor, String phoneRegion) {}

    /** What intake did with a message (stored as the message's outcome). */
    public enum Outcome {
        /** A new ticket, acknowledged. */
        TICKET_OPENED,
        /** Facts missing: the sender was told which (or would have been, past the cap). */
        FACTS_ASKED,
        /** Joined an existing ticket. */
        THREADED,
        /** The same Message-ID was handled before: nothing done. */
        DUPLICATE,
        /** An auto-reply, bulk or list message outside any ticket: kept, not answered. */
        IGNORED_AUTOMATIC,
        /** A bounce of pagerline's own mail: recorded on its ticket. */
        BOUNCE_RECORDED,
        /** A bounce that matched nothing of ours. */
        BOUNCE_IGNORED,
        /** Mail from the desk's own address. */
        IGNORED_OWN,
        /** In the mailbox before pagerline first connected: kept, never answered. */
        OLD_NOT_ANSWERED,
        /** Its handling failed or crashed too often: kept and flagged, skipped. */
        QUARANTINED
    }

    /** The outcome, the ticket it concerns, and what was queued to send in answer. */
    public record Result(Outcome outcome, Long ticketId, List<OutgoingMail> replies) {}

    private static final Pattern TAG = Pattern.compile("\\[#(\\d{1,18})\\]");

    private final Transactions tx;
    private final TicketService tickets;
    private final AttachmentFiles files;
    private final Clock clock;
    private final Settings settings;
    private final Pattern ownIds;
    private final org.pagerline.core.mail.MailReader reader;
    /** Told when answers were queued (the server's mail runner sends them at once). */
    private volatile Runnable onQueued = () -> {};

    public EmailIntake(Transactions tx, TicketService tickets, AttachmentFiles files, org.pagerline.core.mail.MailReader reader,
            Clock clock, Settings settings) {
        this.reader = reader;
        this.tx = tx;
        this.tickets = tickets;
        this.files = files;
        this.clock = clock;
        this.settings = settings;
        this.ownIds = Pattern.compile("<pl\\.[0-9a-f\\-]{36}@" + Pattern.quote(settings.idDomain()) + ">", Pattern.CASE_INSENSITIVE);
    }

    public Settings settings() {
        return settings;
    }

    /** A new Message-ID of pagerline's own. */
    public String newMessageId() {
        return "<pl." + UUID.randomUUID() + "@" + settings.idDomain() + ">";
    }

    /** The server's mail runner, told when answers are waiting to be sent. */
    public void onQueued(Runnable r) {
        this.onQueued = r == null ? () -> {} : r;
    }

    /**
     * A message as received (RFC 5322 bytes), read by the same MIME reader as the mailbox's:
     * {@code pagerline simulate email} comes in here.
     */
    public Result handleRaw(byte[] raw) {
        return handle(reader.read(raw, clock.instant()));
    }

    /** As {@link #handle(InboundMail, boolean, Consumer)}, answerable, with nothing else in the transaction. */
    public Result handle(InboundMail m) {
        return handle(m, true, store -> {});
    }

    /**
     * Handles one message in one transaction.
     *
     * @param answerable false for mail that was in the mailbox before pagerline first connected:
     *                   it is kept, never answered, and opens nothing
     * @param inSameTransaction run before commit (the IMAP reader raises its handled-UID mark here,
     *                          so the message counts as handled exactly when its outcome is committed)
     */
    public Result handle(InboundMail m, boolean answerable, Consumer<MailStore> inSameTransaction) {
        String folder = folderOf(m.messageId());
        List<Saved> saved = saveFiles(folder, m);
        Result result = tx.inTransaction(s -> {
            Result r = decide(s, m, answerable, saved);
            inSameTransaction.accept(s.mail());
            return r;
        });
        if (!result.replies().isEmpty()) {
            onQueued.run();
        }
        return result;
    }

    /**
     * Keeps a message whose handling failed or crashed pagerline {@code attempts} times: recorded,
     * flagged, its raw copy saved when there is one, never handled again.
     */
    public Result quarantine(InboundMail m, String why, Consumer<MailStore> inSameTransaction) {
        String stored = null;
        if (m.raw() != null) {
            try {
                stored = files.save(folderOf(m.messageId()), "message.eml", m.raw());
            } catch (IOException e) {
                stored = null;
            }
        }
        String flags = "QUARANTINED: " + why + (stored == null ? "" : "; kept as " + stored);
        return tx.inTransaction(s -> {
            if (!s.mail().seen(m.messageId())) {
                s.mail().recordIncoming(m, Outcome.QUARANTINED.name(), flags, null, null, null);
            }
            inSameTransaction.accept(s.mail());
            return new Result(Outcome.QUARANTINED, null, List.of());
        });
    }

    /** Counts one more start on a message (its own transaction, committed before the work). */
    public int attempt(String key) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> s.mail().attempt(key, now));
    }

    /** Runs work on mail's store in a transaction of its own (the IMAP reader's mailbox row). */
    public <T> T withStore(java.util.function.Function<MailStore, T> work) {
        return tx.inTransaction(s -> work.apply(s.mail()));
    }

    /** Records the email address of a directory contact: mail from it needs no facts. */
    public void addContactEmail(long clientId, String address) {
        String a = address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
        if (a.length() > 320 || !a.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ValidationException("email '" + address + "' is not an address such as jane@acme.example");
        }
        tx.run(s -> {
            s.clients().find(clientId).orElseThrow(() -> new NotFoundException("no client with id " + clientId));
            s.mail().addClientEmail(clientId, a);
        });
    }

    /** A ticket's email thread (oldest first) and its attachment lines. */
    public record Thread(List<ThreadEntry> messages, List<String[]> attachments, MailStore.MailTicket mailTicket) {}

    public Thread thread(long ticketId) {
        return tx.inTransaction(s -> new Thread(s.mail().thread(ticketId), s.mail().attachments(ticketId),
                s.mail().mailTicket(ticketId).orElse(null)));
    }

    /**
     * A staff member's reply to the requester of an email ticket, queued inside the caller's
     * transaction (the reply's timeline line commits with it), threaded to the ticket's last
     * message. Empty when the ticket did not come by email. Call {@link #sendQueued} after commit.
     */
    public Optional<String> queueStaffReply(Stores s, long ticketId, String body, Instant now) {
        Optional<MailStore.MailTicket> mt = s.mail().mailTicket(ticketId);
        if (mt.isEmpty()) {
            return Optional.empty();
        }
        List<ThreadEntry> thread = s.mail().thread(ticketId);
        String last = thread.isEmpty() ? null : thread.get(thread.size() - 1).messageId();
        String subject = thread.stream().filter(ThreadEntry::incoming).map(ThreadEntry::subject).findFirst().orElse(null);
        s.mail().queue("REPLY", newMessageId(), settings.ownAddress(), mt.get().requester(),
                MailTexts.replySubject(subject, ticketId), MailTexts.staffReply(ticketId, body, settings.signature()), last, last,
                ticketId, null, now);
        return Optional.of(mt.get().requester());
    }

    /** After a commit that queued mail: the server's mail runner sends it now. */
    public void sendQueued() {
        onQueued.run();
    }

    /**
     * Tells requesters of email tickets each change of state since they were last told (when
     * configured; otherwise only remembers the state). Idempotent: run it as often as wanted.
     */
    public int tellStateChanges() {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            int n = 0;
            for (String[] row : s.mail().untoldStates(50)) {
                long id = Long.parseLong(row[0]);
                String status = row[1];
                if (settings.tellStateChanges()) {
                    MailStore.MailTicket mt = s.mail().mailTicket(id).orElseThrow();
                    List<ThreadEntry> thread = s.mail().thread(id);
                    String last = thread.isEmpty() ? null : thread.get(thread.size() - 1).messageId();
                    s.mail().queue("STATE", newMessageId(), settings.ownAddress(), mt.requester(), MailTexts.stateSubject(id, status),
                            MailTexts.stateChange(id, status, settings.signature()), last, last, id, null, now);
                    s.tickets().addEvent(id, now, "MAIL_STATE_TOLD", "requester " + mt.requester() + " told the ticket is now "
                            + MailTexts.words(status));
                    n++;
                }
                s.mail().setToldStatus(id, status);
            }
            return n;
        });
    }

    // ---------------------------------------------------------------------------------------------

    private record Saved(String name, long size, String path, String refused) {}

    private List<Saved> saveFiles(String folder, InboundMail m) {
        List<Saved> out = new ArrayList<>();
        try {
            for (InboundMail.Attachment a : m.attachments()) {
                if (a.content() == null) {
                    out.add(new Saved(a.name(), a.size(), null, a.refused() == null ? "not kept" : a.refused()));
                } else {
                    out.add(new Saved(a.name(), a.size(), files.save(folder, a.name(), a.content()), null));
                }
            }
            if (m.problem() != null && m.raw() != null) {
                out.add(new Saved("message.eml", m.raw().length, files.save(folder, "message.eml", m.raw()), null));
            }
        } catch (IOException e) {
            // not handled: the message stays unhandled and is tried again (nothing is lost)
            throw new UncheckedIOException("cannot keep the attachments of " + m.messageId() + ": " + e.getMessage(), e);
        }
        return out;
    }

    private Result decide(Stores s, InboundMail m, boolean answerable, List<Saved> saved) {
        MailStore mail = s.mail();
        if (mail.seen(m.messageId())) {
            return new Result(Outcome.DUPLICATE, null, List.of());
        }
        String flags = m.problem() == null ? null : "MALFORMED: " + m.problem();
        if (!answerable) {
            long row = mail.recordIncoming(m, Outcome.OLD_NOT_ANSWERED.name(), flags, null, null, null);
            attach(s, row, null, saved);
            return new Result(Outcome.OLD_NOT_ANSWERED, null, List.of());
        }
        MailKind kind = MailKind.of(m, settings.ownAddress());
        if (kind == MailKind.BOUNCE) {
            return bounce(s, m, flags, saved);
        }
        if (kind == MailKind.OWN) {
            mail.recordIncoming(m, Outcome.IGNORED_OWN.name(), flags, null, null, null);
            return new Result(Outcome.IGNORED_OWN, null, List.of());
        }
        Long[] thread = threadOf(s, m);
        Long ticketId = thread == null ? null : thread[0];
        Long requestId = thread == null ? null : thread[1];
        if (ticketId != null) {
            long row = mail.recordIncoming(m, Outcome.THREADED.name(), flags, ticketId, null, m.references().isEmpty() ? null
                    : m.references().get(m.references().size() - 1));
            attach(s, row, ticketId, saved);
            if (kind == MailKind.PERSON) {
                tickets.customerReplied(s, ticketId, m.text());
            } else {
                s.tickets().addEvent(ticketId, clock.instant(), "MAIL_AUTOMATIC", "automatic mail from " + m.from()
                        + " kept (not answered): " + m.subject());
            }
            flagMalformed(s, ticketId, m);
            return new Result(Outcome.THREADED, ticketId, List.of());
        }
        if (kind != MailKind.PERSON) {
            mail.recordIncoming(m, Outcome.IGNORED_AUTOMATIC.name(), flags == null ? kind.name() : kind.name() + "; " + flags, null,
                    requestId, null);
            return new Result(Outcome.IGNORED_AUTOMATIC, null, List.of());
        }

        RequesterFacts facts = RequesterFacts.parse(m.subject(), m.text(), settings.phoneRegion());
        Optional<Client> contact = mail.clientByEmail(m.from()).flatMap(id -> s.clients().find(id));
        Instant now = clock.instant();
        MailStore.Request request = null;
        if (requestId != null) {
            request = mail.request(requestId).filter(r -> r.ticketId() == null).orElse(null);
        }
        if (request == null && contact.isEmpty()) {
            request = mail.openRequestOf(m.from(), now.minus(settings.requestKeptFor())).orElse(null);
        }
        if (request != null) {
            RequesterFacts before = new RequesterFacts(request.fullName(), request.company(), request.phones(), request.description());
            facts = before.plus(facts);
        }
        if (contact.isPresent()) {
            Client c = contact.get();
            List<String> phones = new ArrayList<>(c.phones());
            facts.phones().stream().filter(p -> !phones.contains(p)).forEach(phones::add);
            facts = new RequesterFacts(c.contactName(), c.company(), phones,
                    facts.description() == null ? (m.text().isBlank() ? m.subject() : m.text().strip()) : facts.description());
        }
        String subject = request != null && request.subject() != null ? request.subject() : m.subject();
        if (facts.complete() || contact.isPresent()) {
            String description = facts.description() == null ? m.text().strip() : facts.description();
            String summary = RequesterFacts.strippedSubject(subject);
            summary = summary.isEmpty() ? description : summary + ": " + description;
            Instant received = m.receivedAt() == null ? now : m.receivedAt();
            boolean project = RequesterFacts.projectRequest(subject);
            Ticket t = tickets.openFromEmail(s, now, facts.name(), facts.company(), facts.phones(), summary, project);
            // the promise is the ticket's contact clock (6 business hours on the desk calendar): the
            // mail names its due instant, so the customer and the desk see one deadline
            Instant ackDue = s.tickets().life(t.id()).flatMap(l -> l.clock(org.pagerline.core.ticket.ClockKind.CONTACT))
                    .map(org.pagerline.core.ticket.SlaClock::dueAt).orElse(received.plus(settings.ackWithin()));
            java.time.ZoneId zone = s.calendar().calendar().zone();
            mail.insertMailTicket(new MailStore.MailTicket(t.id(), m.from(), ackDue, t.status().name()));
            s.tickets().addEvent(t.id(), now, "ACK_DUE", "email from " + m.from() + (contact.isPresent() ? " (known contact)" : "")
                    + ": contact by " + org.pagerline.core.text.DeskTime.format(ackDue, zone) + " (within "
                    + hours(settings.ackWithin()) + " of business time)");
            if (request != null) {
                mail.updateRequest(new MailStore.Request(request.id(), request.sender(), request.openedAt(), request.subject(),
                        facts.name(), facts.company(), facts.phones(), facts.description(), t.id()), now);
            }
            long row = mail.recordIncoming(m, Outcome.TICKET_OPENED.name(), flags, t.id(), request == null ? null : request.id(), null);
            attach(s, row, t.id(), saved);
            flagMalformed(s, t.id(), m);
            List<OutgoingMail> out = new ArrayList<>();
            // a desktop project request is done within one business day: the mail says by when
            String doneBy = !project ? null : s.tickets().life(t.id()).flatMap(l -> l.clock(org.pagerline.core.ticket.ClockKind.RESOLVE))
                    .map(org.pagerline.core.ticket.SlaClock::dueAt).map(d -> org.pagerline.core.text.DeskTime.format(d, zone))
                    .orElse(null);
            reply(s, m, "ACK", MailTexts.replySubject(subject, t.id()),
                    MailTexts.acknowledgement(t.id(), facts.name(),
                            org.pagerline.core.text.DeskTime.format(ackDue, zone) + " (within " + hours(settings.ackWithin())
                            + " of business time)", doneBy, settings.signature()), t.id(), null, out);
            return new Result(Outcome.TICKET_OPENED, t.id(), out);
        }
        long reqId;
        MailStore.Request updated = new MailStore.Request(request == null ? 0 : request.id(), m.from(), now, subject, facts.name(),
                facts.company(), facts.phones(), facts.description(), null);
        if (request == null) {
            reqId = mail.insertRequest(updated, now);
        } else {
            reqId = request.id();
            mail.updateRequest(updated, now);
        }
        mail.recordIncoming(m, Outcome.FACTS_ASKED.name(), flags, null, reqId, null);
        List<OutgoingMail> out = new ArrayList<>();
        reply(s, m, "FACTS_MISSING", MailTexts.replySubject(m.subject(), null),
                MailTexts.factsMissing(facts.missing(), settings.signature()), null, reqId, out);
        return new Result(Outcome.FACTS_ASKED, null, out);
    }

    /** Queues an automatic answer unless the sender has had {@code replyCap} within the window. */
    private void reply(Stores s, InboundMail m, String kind, String subject, String body, Long ticketId, Long requestId,
            List<OutgoingMail> out) {
        Instant now = clock.instant();
        int sent = s.mail().sentTo(m.from(), now.minus(settings.replyCapWindow()));
        if (sent >= settings.replyCap()) {
            String why = "automatic answer to " + m.from() + " withheld: " + sent + " sent in the last "
                    + hours(settings.replyCapWindow()) + " (mail.reply-cap)";
            if (ticketId != null) {
                s.tickets().addEvent(ticketId, now, "MAIL_NOT_SENT", why);
            }
            org.slf4j.LoggerFactory.getLogger(EmailIntake.class).warn(why);
            return;
        }
        List<String> refs = new ArrayList<>(m.references());
        refs.add(m.messageId());
        String references = String.join(" ", refs);
        while (references.length() > 3900 && refs.size() > 2) {
            refs.remove(1);
            references = String.join(" ", refs);
        }
        out.add(s.mail().queue(kind, newMessageId(), settings.ownAddress(), m.from(), subject, body, m.messageId(), references,
                ticketId, requestId, now));
    }

    private Long[] threadOf(Stores s, InboundMail m) {
        List<String> refs = new ArrayList<>(m.references());
        java.util.Collections.reverse(refs);
        for (String ref : refs) {
            Optional<Long[]> t = s.mail().threadOf(ref);
            if (t.isPresent()) {
                return t.get();
            }
        }
        Matcher tag = TAG.matcher(m.subject());
        while (tag.find()) {
            long id;
            try {
                id = Long.parseLong(tag.group(1));
            } catch (NumberFormatException e) {
                continue;
            }
            Optional<Ticket> t = s.tickets().find(id);
            if (t.isPresent() && mayWriteOn(s, t.get(), m.from())) {
                return new Long[] {id, null};
            }
        }
        return null;
    }

    /**
     * A subject tag is only trusted from the ticket's requester or a directory contact of the
     * ticket's company: anyone can type [#123] in a subject.
     */
    private static boolean mayWriteOn(Stores s, Ticket t, String from) {
        if (s.mail().mailTicket(t.id()).map(mt -> mt.requester().equalsIgnoreCase(from)).orElse(false)) {
            return true;
        }
        return t.company() != null && s.mail().clientByEmail(from).flatMap(id -> s.clients().find(id))
                .map(c -> c.company().equalsIgnoreCase(t.company())).orElse(false);
    }

    private Result bounce(Stores s, InboundMail m, String flags, List<Saved> saved) {
        List<String> ours = new ArrayList<>(m.references());
        Matcher ids = ownIds.matcher(m.text());
        while (ids.find()) {
            ours.add(ids.group());
        }
        for (String id : ours) {
            Optional<Long[]> t = s.mail().threadOf(id);
            if (t.isPresent() && t.get()[0] != null) {
                long ticketId = t.get()[0];
                long row = s.mail().recordIncoming(m, Outcome.BOUNCE_RECORDED.name(), flags, ticketId, null, id);
                attach(s, row, ticketId, saved);
                s.tickets().addEvent(ticketId, clock.instant(), "MAIL_BOUNCED", "our mail " + id + " came back undelivered"
                        + diagnostic(m.text()));
                return new Result(Outcome.BOUNCE_RECORDED, ticketId, List.of());
            }
        }
        s.mail().recordIncoming(m, Outcome.BOUNCE_IGNORED.name(), flags, null, null, null);
        return new Result(Outcome.BOUNCE_IGNORED, null, List.of());
    }

    private static String diagnostic(String text) {
        for (String line : text.split("\\r?\\n")) {
            String l = line.strip();
            if (l.regionMatches(true, 0, "Diagnostic-Code:", 0, 16)) {
                return ": " + l.substring(16).strip();
            }
        }
        for (String line : text.split("\\r?\\n")) {
            if (line.strip().regionMatches(true, 0, "Status:", 0, 7)) {
                return ": status " + line.strip().substring(7).strip();
            }
        }
        return "";
    }

    private void attach(Stores s, long row, Long ticketId, List<Saved> saved) {
        Instant now = clock.instant();
        for (Saved a : saved) {
            s.mail().addAttachment(row, ticketId, a.name(), a.size(), a.path(), a.refused());
            if (ticketId != null) {
                if (a.refused() != null) {
                    s.tickets().addEvent(ticketId, now, "ATTACHMENT_REFUSED", a.name() + " (" + a.size() + " bytes) not kept: " + a.refused());
                } else if (!a.name().equals("message.eml")) {
                    s.tickets().addEvent(ticketId, now, "ATTACHMENT", a.name() + " (" + a.size() + " bytes) kept as " + a.path());
                }
            }
        }
    }

    private void flagMalformed(Stores s, long ticketId, InboundMail m) {
        if (m.problem() != null) {
            s.tickets().addEvent(ticketId, clock.instant(), "MAIL_MALFORMED", "the message " + m.messageId()
                    + " was malformed (" + m.problem() + "); read as well as it could be, kept as sent");
        }
    }

    private static String hours(Duration d) {
        long h = d.toHours();
        return d.equals(Duration.ofHours(h)) ? h + (h == 1 ? " hour" : " hours") : d.toMinutes() + " minutes";
    }

    /** A folder name for a message's files: a hash of its Message-ID (safe, stable across redelivery). */
    static String folderOf(String messageId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
