package org.pagerline.adapter.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.util.Date;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.pagerline.config.MailConfig;
import org.pagerline.core.mail.MailSender;
import org.pagerline.core.mail.OutgoingMail;

/**
 * Sends the desk's mail over SMTP (Angus): pagerline's own Message-ID (replies thread by it),
 * In-Reply-To/References to the customer's message, and {@code Auto-Submitted: auto-replied}
 * (RFC 3834) so that other responders do not answer it. A 5xx refusal of the recipient is
 * permanent; anything else is tried again.
 */
public final class SmtpSender implements MailSender {
    private final MailConfig config;
    private final Session session;
    private volatile boolean lastOk = true;

    public SmtpSender(MailConfig config) {
        this.config = config;
        this.session = MailSessions.session(config, "smtp", config.smtp());
    }

    /** Whether the last send reached the server. */
    public boolean isUp() {
        return lastOk;
    }

    @Override
    public void send(OutgoingMail m) throws Failure {
        try {
            MimeMessage msg = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", m.messageId());
                }
            };
            msg.setFrom(new InternetAddress(config.address(), config.name(), "UTF-8"));
            msg.setRecipient(Message.RecipientType.TO, new InternetAddress(m.to(), true));
            msg.setSubject(m.subject(), "UTF-8");
            msg.setSentDate(Date.from(m.at()));
            msg.setText(m.body(), "UTF-8");
            msg.setHeader("Auto-Submitted", "auto-replied");
            msg.setHeader("X-Auto-Response-Suppress", "All");
            if (m.inReplyTo() != null) {
                msg.setHeader("In-Reply-To", m.inReplyTo());
            }
            if (m.references() != null && !m.references().isBlank()) {
                msg.setHeader("References", m.references());
            }
            msg.saveChanges();
            MailConfig.Server s = config.smtp();
            try (Transport t = session.getTransport(MailSessions.protocol("smtp", s))) {
                if (s.password() != null) {
                    t.connect(s.host(), s.port(), s.username(), s.password());
                } else {
                    t.connect(s.host(), s.port(), null, null);
                }
                t.sendMessage(msg, msg.getAllRecipients());
            }
            lastOk = true;
        } catch (SMTPAddressFailedException e) {
            lastOk = true;
            throw new Failure("recipient refused: " + e.getReturnCode() + " " + e.getMessage(), e.getReturnCode() >= 500);
        } catch (SendFailedException e) {
            lastOk = true;
            Exception next = e.getNextException();
            boolean permanent = next instanceof SMTPAddressFailedException a ? a.getReturnCode() >= 500
                    : e instanceof SMTPSendFailedException f && f.getReturnCode() >= 500;
            throw new Failure("refused: " + e.getMessage() + (next == null ? "" : " (" + next.getMessage() + ")"), permanent);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new Failure("bad address '" + m.to() + "': " + e.getMessage(), true);
        } catch (MessagingException | UnsupportedEncodingException e) {
            lastOk = false;
            throw new Failure(e.getMessage() == null ? e.toString() : e.getMessage(), false);
        }
    }
}
