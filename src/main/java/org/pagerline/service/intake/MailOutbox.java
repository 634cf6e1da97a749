package org.pagerline.service.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.pagerline.core.mail.MailSender;
import org.pagerline.core.mail.OutgoingMail;
import org.pagerline.service.Transactions;

/**
 * Sends what intake queued, after its commit and outside any transaction. A failed send is tried
 * again with back-off (1 min doubling to 1 h, {@link #MAX_ATTEMPTS} tries), then marked FAILED and
 * named on the ticket. A crash between the send and its mark sends that one message again.
 */
public final class MailOutbox {
    static final int MAX_ATTEMPTS = 8;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MailOutbox.class);
    private final Transactions tx;
    private final MailSender sender;
    private final Clock clock;

    public MailOutbox(Transactions tx, MailSender sender, Clock clock) {
        this.tx = tx;
        this.sender = sender;
        this.clock = clock;
    }

    /** Sends everything due now; returns how many were sent. */
    public int sendDue() {
        int sent = 0;
        for (int round = 0; round < 50; round++) {
            Instant now = clock.instant();
            List<OutgoingMail> due = tx.inTransaction(s -> s.mail().due(now, 20));
            if (due.isEmpty()) {
                return sent;
            }
            for (OutgoingMail m : due) {
                try {
                    sender.send(m);
                    tx.run(s -> s.mail().markSent(m.id(), clock.instant()));
                    sent++;
                } catch (MailSender.Failure e) {
                    failed(m, e.getMessage(), e.permanent());
                } catch (RuntimeException e) {
                    failed(m, e.toString(), false);
                }
            }
        }
        return sent;
    }

    private void failed(OutgoingMail m, String why, boolean permanent) {
        int attempts = m.attempts() + 1;
        boolean giveUp = permanent || attempts >= MAX_ATTEMPTS;
        Instant now = clock.instant();
        Duration wait = Duration.ofMinutes(1L << Math.min(6, attempts - 1));
        if (wait.compareTo(Duration.ofHours(1)) > 0) {
            wait = Duration.ofHours(1);
        }
        Instant next = giveUp ? null : now.plus(wait);
        log.warn("mail {} to {} not sent (try {}): {}{}", m.messageId(), m.to(), attempts, why, giveUp ? "; given up" : "; trying again at " + next);
        tx.run(s -> {
            s.mail().markFailed(m.id(), why, next);
            if (giveUp && m.ticketId() != null) {
                s.tickets().addEvent(m.ticketId(), now, "MAIL_NOT_SENT", m.kind().toLowerCase(java.util.Locale.ROOT) + " mail to " + m.to()
                        + " could not be sent: " + why);
            }
        });
    }
}
