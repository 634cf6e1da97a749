package org.pagerline.service.web;

import java.time.Clock;
import java.util.UUID;
import org.pagerline.core.directory.Client;
import org.pagerline.core.mail.MailSender;
import org.pagerline.core.mail.OutgoingMail;

/**
 * Sends the portal sign-in link by email, to the address the contact typed (it is theirs: the
 * link is only made for an address in the directory), straight through the mail sender (SMTP).
 * Not through the mail outbox: the outbox keeps each message's body, and a sign-in link must not
 * be kept anywhere but as its hash. No retry: a link not sent is asked for again.
 */
public final class EmailLinkSender implements LinkSender {
    static final String SUBJECT = "Your sign-in link for the support portal";
    private final MailSender mail;
    private final Clock clock;
    private final String idDomain;

    /** @param idDomain the right-hand side of the message's Message-ID (mail.message-id-domain) */
    public EmailLinkSender(MailSender mail, Clock clock, String idDomain) {
        this.mail = mail;
        this.clock = clock;
        this.idDomain = idDomain;
    }

    @Override
    public String send(Client client, String email, String link) {
        String body = "Hello " + client.contactName() + ",\n\n"
                + "Sign in to the support portal with this link. It works once, within "
                + PortalDesk.LINK_TTL.toMinutes() + " minutes:\n\n" + link + "\n\n"
                + "If you did not ask for it, ignore this message: nobody can sign in without the link.\n";
        OutgoingMail m = new OutgoingMail(0, "SIGNIN_LINK", "<pl." + UUID.randomUUID() + "@" + idDomain + ">", email, SUBJECT,
                body, null, null, null, 0, clock.instant());
        try {
            mail.send(m);
            return "email";
        } catch (MailSender.Failure e) {
            return "email not sent: " + e.getMessage();
        }
    }
}
