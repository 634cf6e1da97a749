package org.pagerline.adapter.mail;

import org.pagerline.core.mail.MailSender;
import org.pagerline.core.mail.OutgoingMail;

/** With mail off ({@code pagerline simulate email}): the answer is written to the log instead of sent. */
public final class LogMailSender implements MailSender {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LogMailSender.class);

    @Override
    public void send(OutgoingMail m) {
        log.info("mail (not sent: mail.enabled=false) to {} {}: {}", m.to(), m.messageId(), m.subject());
    }
}
