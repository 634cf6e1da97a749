package org.pagerline.service.web;

import org.pagerline.core.directory.Client;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;

/**
 * Sends the portal sign-in link by SMS to the contact's first directory phone, through the SMS
 * page channel (Twilio, or the log in the embedded default). Not a page: no outbox row, no retry;
 * the client can ask again.
 */
public final class SmsLinkSender implements LinkSender {
    private final PageChannel sms;

    public SmsLinkSender(PageChannel sms) {
        if (sms.channel() != Channel.SMS) {
            throw new IllegalArgumentException("not an SMS channel: " + sms.name());
        }
        this.sms = sms;
    }

    @Override
    public String send(Client client, String email, String link) {
        if (client.phones().isEmpty()) {
            return "no phone in the directory";
        }
        String text = "pagerline support portal: sign in within 15 minutes with " + link
                + " (single use). If you did not ask for it, ignore this message.";
        SendResult r = sms.send(new OutgoingPage(0, 0, 0, Channel.SMS, client.phones().get(0), client.contactName(), text,
                null, null, 1));
        return sms.name() + " " + r.status();
    }
}
