package org.pagerline.adapter.mail;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.pagerline.config.MailConfig;
import org.pagerline.core.mail.InboundMail;
import org.pagerline.core.mail.MailStore;
import org.pagerline.service.intake.EmailIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the desk's mailbox over IMAP (Angus): IDLE when the server has it, polling every
 * {@code mail.poll-interval} otherwise (and as a safety net). Messages are handled in UID order;
 * the highest handled UID is raised in the same transaction as the message's outcome, so a
 * message counts as handled exactly when its ticket (or reply) is committed. After a crash it is
 * read again; Message-ID deduplication then keeps it from opening a second ticket.
 *
 * <p>Mail already in the mailbox at the first connection (UID below UIDNEXT then) is kept and
 * never answered. A message whose handling failed {@link #MAX_ATTEMPTS} times (even by killing
 * the process) is kept, flagged and skipped: no crash loop. Connection failures are retried with
 * back-off; {@link #isUp()} says whether the last try worked.
 */
public final class ImapInbox implements AutoCloseable {
    static final int MAX_ATTEMPTS = 3;
    /**
     * The largest message read (the server's own size of it, asked before reading): the whole
     * message is held in memory while it is read, twice, so one far larger (a 100 MB scan) could
     * take the heap the phone line runs in. 25 MB is what common mail providers accept.
     */
    static final int MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
    private static final int PREFETCH = 100;
    private static final Logger log = LoggerFactory.getLogger(ImapInbox.class);
    private final MailConfig config;
    private final EmailIntake intake;
    private final MimeReader reader;
    private final Clock clock;
    private final Runnable afterHandled;
    /** Test hook: runs inside the transaction, before the commit (a fault here is a crash before commit). */
    private final Consumer<InboundMail> beforeCommit;
    /** Benchmark hook: nanoseconds from the start of a message's fetch to its commit. */
    private final java.util.function.LongConsumer fetchToCommit;
    private final Object lock = new Object();
    private final String mailboxName;
    private volatile boolean running;
    private volatile boolean up;
    private volatile Store store;
    private volatile IMAPFolder folder;
    private volatile boolean idleWorks = true;
    private Thread thread;
    private Thread watchdog;

    public ImapInbox(MailConfig config, EmailIntake intake, MimeReader reader, Clock clock, Runnable afterHandled) {
        this(config, intake, reader, clock, afterHandled, m -> {}, n -> {});
    }

    ImapInbox(MailConfig config, EmailIntake intake, MimeReader reader, Clock clock, Runnable afterHandled,
            Consumer<InboundMail> beforeCommit, java.util.function.LongConsumer fetchToCommit) {
        this.fetchToCommit = fetchToCommit;
        this.config = config;
        this.intake = intake;
        this.reader = reader;
        this.clock = clock;
        this.afterHandled = afterHandled;
        this.beforeCommit = beforeCommit;
        MailConfig.Server s = config.imap();
        this.mailboxName = s.username() + "@" + s.host() + ":" + s.port() + "/" + config.folder();
    }

    public ImapInbox start() {
        running = true;
        thread = new Thread(this::loop, "mail-imap");
        thread.setDaemon(true);
        thread.start();
        watchdog = new Thread(this::watch, "mail-imap-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return this;
    }

    public boolean isUp() {
        return up;
    }

    private void loop() {
        try {
            readUntilStopped();
        } catch (Error e) {
            // the reader is gone (out of memory, say): /health must say mail is down, not up
            log.error("mail: the reader of {} stopped: {}", mailboxName, e.toString(), e);
            throw e;
        } finally {
            up = false;
        }
    }

    private void readUntilStopped() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                connectAndRead();
                backoff = Duration.ofSeconds(1);
            } catch (Exception | StackOverflowError e) {
                up = false;
                if (!running) {
                    break;
                }
                log.warn("mail: reading {} failed ({}); trying again in {}s", mailboxName, e.toString(), backoff.toSeconds());
                closeQuietly();
                pause(backoff);
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(config.pollInterval()) > 0) {
                    backoff = config.pollInterval().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : config.pollInterval();
                }
            }
        }
        up = false;
        closeQuietly();
    }

    private void connectAndRead() throws MessagingException, IOException {
        MailConfig.Server s = config.imap();
        Session session = MailSessions.session(config, "imap", s);
        Store st = session.getStore(MailSessions.protocol("imap", s));
        st.connect(s.host(), s.port(), s.username(), s.password());
        store = st;
        IMAPFolder f = (IMAPFolder) st.getFolder(config.folder());
        f.open(Folder.READ_WRITE);
        folder = f;
        MailStore.Mailbox mb = position(f);
        up = true;
        log.info("mail: reading {} ({})", mailboxName, config.idle() ? "IDLE when offered, else polling" : "polling");
        while (running) {
            mb = readNew(f, mb);
            waitForMail(f);
        }
    }

    /** This mailbox's row: made at the first connection (mail there now is old), reset when UIDVALIDITY changed. */
    private MailStore.Mailbox position(IMAPFolder f) throws MessagingException {
        long validity = f.getUIDValidity();
        long next = f.getUIDNext();
        if (next <= 0) {
            int count = f.getMessageCount();
            next = count == 0 ? 1 : f.getUID(f.getMessage(count)) + 1;
        }
        long uidNext = next;
        Instant now = clock.instant();
        return intake.withStore(st -> {
            var existing = st.mailbox(mailboxName);
            if (existing.isEmpty()) {
                MailStore.Mailbox m = new MailStore.Mailbox(mailboxName, now, validity, uidNext, uidNext - 1);
                st.insertMailbox(m);
                log.info("mail: first connection to {}: the {} message(s) already there are kept, never answered",
                        mailboxName, uidNext - 1);
                return m;
            }
            MailStore.Mailbox m = existing.get();
            if (m.uidValidity() != validity) {
                // the server renumbered the folder: read everything again; Message-IDs keep handled mail
                // from being handled twice, and mail received before the first connection stays unanswered
                log.warn("mail: UIDVALIDITY of {} changed ({} -> {}): reading the folder again", mailboxName, m.uidValidity(), validity);
                st.renumbered(mailboxName, validity);
                return new MailStore.Mailbox(mailboxName, m.firstConnectedAt(), validity, 0, 0);
            }
            return m;
        });
    }

    private MailStore.Mailbox readNew(IMAPFolder f, MailStore.Mailbox mb) throws MessagingException, IOException {
        long last = mb.lastUid();
        Message[] msgs = f.getMessagesByUID(last + 1, UIDFolder.MAXUID);
        for (int i = 0; i < msgs.length; i++) {
            if (!running) {
                break;
            }
            if (i % PREFETCH == 0) {
                // UIDs and received dates for the next batch in one round trip, not one per message
                Message[] batch = java.util.Arrays.stream(msgs, i, Math.min(msgs.length, i + PREFETCH))
                        .filter(java.util.Objects::nonNull).toArray(Message[]::new);
                FetchProfile fp = new FetchProfile();
                fp.add(UIDFolder.FetchProfileItem.UID);
                fp.add(FetchProfile.Item.ENVELOPE);
                f.fetch(batch, fp);
            }
            Message m = msgs[i];
            if (m == null) {
                continue;
            }
            long uid = f.getUID(m);
            if (uid <= last) {
                continue; // "n:*" always returns the newest message, even below n
            }
            handle(f, mb, m, uid);
            last = uid;
        }
        return new MailStore.Mailbox(mb.name(), mb.firstConnectedAt(), mb.uidValidity(), mb.firstUid(), last);
    }

    /**
     * The server's size of a message, or -1 when it gives none: then the message is read as before,
     * and a fetch that keeps failing is quarantined after {@link #MAX_ATTEMPTS} like any other.
     */
    private static int sizeOf(Message m) {
        try {
            return m.getSize();
        } catch (MessagingException e) {
            return -1;
        }
    }

    private void handle(IMAPFolder f, MailStore.Mailbox mb, Message m, long uid) throws MessagingException, IOException {
        long fetchStart = System.nanoTime();
        String key = mb.name() + "|" + mb.uidValidity() + "|" + uid;
        int attempts = intake.attempt(key);
        Instant received = m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant();
        boolean old = mb.firstUid() > 0 ? uid < mb.firstUid() : received != null && received.isBefore(mb.firstConnectedAt());
        Consumer<MailStore> mark = st -> st.setLastUid(mb.name(), mb.uidValidity(), uid);
        int size = sizeOf(m);   // RFC822.SIZE: nothing of the body is read yet
        if (size > MAX_MESSAGE_BYTES) {
            String why = "too large to read: " + size / (1024 * 1024) + " MB (at most " + MAX_MESSAGE_BYTES / (1024 * 1024)
                    + " MB); left in the mailbox";
            log.warn("mail: UID {} is {}: flagged and skipped", uid, why);
            String from = m.getFrom() == null || m.getFrom().length == 0 ? ""
                    : m.getFrom()[0] instanceof jakarta.mail.internet.InternetAddress a ? a.getAddress() : m.getFrom()[0].toString();
            byte[] note = ("Message UID " + uid + " from " + from + ", subject '" + m.getSubject() + "', was not read: " + why)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            intake.quarantine(new InboundMail(MimeReader.madeUpId(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)), from,
                    null, m.getSubject(), List.of(), null, null, null, null, null, false, "", List.of(), why, note, received),
                    why, mark);
            return;
        }
        byte[] raw;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(size, 32));
            m.writeTo(out);
            raw = out.toByteArray();
        } catch (MessagingException | IOException e) {
            if (attempts > MAX_ATTEMPTS) {
                byte[] note = ("Message UID " + uid + " could not be fetched: " + e).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                intake.quarantine(new InboundMail(MimeReader.madeUpId((key).getBytes(java.nio.charset.StandardCharsets.UTF_8)), "", null,
                        "", List.of(), null, null, null, null, null, false, "", List.of(), "unfetchable: " + e, note, received),
                        "could not be fetched " + (attempts - 1) + " times", mark);
                return;
            }
            throw e;
        }
        InboundMail mail = reader.read(raw, received);
        EmailIntake.Result r;
        if (attempts > MAX_ATTEMPTS) {
            log.error("mail: UID {} ({}) failed {} times: kept, flagged and skipped", uid, mail.messageId(), attempts - 1);
            r = intake.quarantine(mail, "handling failed " + (attempts - 1) + " times", mark);
        } else {
            r = intake.handle(mail, !old, st -> {
                beforeCommit.accept(mail);
                mark.accept(st);
            });
        }
        fetchToCommit.accept(System.nanoTime() - fetchStart);
        log.info("mail: UID {} {} from {}: {}{}", uid, mail.messageId(), mail.from(), r.outcome(),
                r.ticketId() == null ? "" : " (ticket " + r.ticketId() + ")");
        try {
            m.setFlag(Flags.Flag.SEEN, true);
        } catch (MessagingException e) {
            log.debug("mail: could not flag UID {} seen: {}", uid, e.getMessage());
        }
        afterHandled.run();
    }

    private void waitForMail(IMAPFolder f) throws MessagingException {
        if (config.idle() && idleWorks) {
            try {
                f.idle(true);
                return;
            } catch (MessagingException e) {
                if (!f.isOpen()) {
                    throw e;
                }
                idleWorks = false;
                log.info("mail: the server does not take IDLE ({}): polling every {}", e.getMessage(), config.pollInterval());
            }
        }
        synchronized (lock) {
            if (running) {
                try {
                    lock.wait(config.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
        f.getMessageCount(); // a NOOP-like round trip: new mail is seen, a dead connection fails here
    }

    /** Ends an IDLE every poll interval, so a silent dead connection is noticed and mail missed by IDLE is read. */
    private void watch() {
        while (running) {
            pause(config.pollInterval());
            IMAPFolder f = folder;
            if (running && f != null && f.isOpen()) {
                try {
                    f.doCommand(p -> {
                        p.simpleCommand("NOOP", null);
                        return null;
                    });
                } catch (MessagingException | RuntimeException e) {
                    log.debug("mail: keep-alive failed: {}", e.toString());
                }
            }
        }
    }

    private void pause(Duration d) {
        synchronized (lock) {
            if (!running) {
                return;
            }
            try {
                lock.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void closeQuietly() {
        IMAPFolder f = folder;
        folder = null;
        Store st = store;
        store = null;
        try {
            if (f != null && f.isOpen()) {
                f.close(false);
            }
        } catch (MessagingException | RuntimeException e) {
            log.debug("mail: closing the folder: {}", e.toString());
        }
        try {
            if (st != null) {
                st.close();
            }
        } catch (MessagingException | RuntimeException e) {
            log.debug("mail: closing the store: {}", e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        closeQuietly(); // ends an IDLE in progress
        log.debug("mail: closed the mailbox, waiting for the reader");
        for (Thread t : new Thread[] {thread, watchdog}) {
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        up = false;
    }
}
