package org.pagerline.adapter.mail;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pagerline.service.intake.EmailIntake;
import org.pagerline.service.intake.MailOutbox;

/**
 * The server's mail: the IMAP reader (when mail is on) and one thread that tells requesters of
 * state changes and sends the outbox, every poll interval and whenever a message was handled.
 */
public final class MailRunner implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MailRunner.class);
    private final ImapInbox inbox;
    private final SmtpSender smtp;
    private final EmailIntake intake;
    private final MailOutbox outbox;
    private final long periodMillis;
    private final ScheduledExecutorService out = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mail-out");
        t.setDaemon(true);
        return t;
    });

    /** @param inbox null when mail is off; @param smtp null when mail is off */
    public MailRunner(ImapInbox inbox, SmtpSender smtp, EmailIntake intake, MailOutbox outbox, java.time.Duration period) {
        this.inbox = inbox;
        this.smtp = smtp;
        this.intake = intake;
        this.outbox = outbox;
        this.periodMillis = Math.max(1000, period.toMillis());
    }

    public MailRunner start() {
        out.scheduleWithFixedDelay(this::pass, 0, periodMillis, TimeUnit.MILLISECONDS);
        if (inbox != null) {
            inbox.start();
        }
        return this;
    }

    /** Runs the outgoing pass soon (after a message was handled, or a ticket changed). */
    public void kick() {
        try {
            out.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void pass() {
        try {
            intake.tellStateChanges();
            outbox.sendDue();
        } catch (RuntimeException e) {
            log.warn("mail: the outgoing pass failed: {}", e.toString());
        }
    }

    /** For /health: the mailbox is connected and the last send reached the SMTP server. */
    public boolean isUp() {
        return (inbox == null || inbox.isUp()) && (smtp == null || smtp.isUp());
    }

    @Override
    public void close() {
        if (inbox != null) {
            inbox.close();
        }
        out.shutdownNow();
        try {
            out.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
