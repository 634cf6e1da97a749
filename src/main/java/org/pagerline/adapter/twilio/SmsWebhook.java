package org.pagerline.adapter.twilio;

import java.util.regex.Pattern;
import org.pagerline.core.page.SmsCommand;
import org.pagerline.service.PageResponses;
import org.pagerline.service.LogText;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twilio/sms}: an SMS to the Twilio number. Hands (From, Body) to
 * {@link PageResponses#onSmsReply} and answers its reply as {@code <Message>}; an empty reply (a
 * sender who is not a technician) answers {@code <Response/>} and is logged without the body.
 * Replays (same MessageSid) get the same answer and are not handed over again.
 */
public final class SmsWebhook extends SignedWebhook {
    private static final Logger log = LoggerFactory.getLogger(SmsWebhook.class);
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private final PageResponses responses;

    SmsWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals, PageResponses responses) {
        super(WebhookPaths.SMS, urls, authToken, ledger, refusals);
        this.responses = responses;
    }

    @Override
    String replayKey(Request r) throws FormData.BadForm {
        String sid = r.field("MessageSid");
        if (sid.isEmpty() || sid.length() > 64) {
            throw new FormData.BadForm(400, "missing MessageSid");
        }
        return "sms:" + sid;
    }

    @Override
    String act(Request r) {
        String from = r.field("From").trim();
        if (!E164.matcher(from).matches()) {
            log.info("SMS {} ignored: sender '{}' is not an E.164 number", LogText.of(r.field("MessageSid")), LogText.of(masked(from)));
            return Twiml.emptyMessaging();
        }
        String reply = responses.onSmsReply(from, SmsCommand.parse(r.field("Body")));
        if (reply == null || reply.isEmpty()) {
            log.info("SMS {} from {} ignored (not a technician's number)", LogText.of(r.field("MessageSid")), masked(from));
            return Twiml.emptyMessaging();
        }
        return Twiml.message(reply);
    }

    /** +1204555**01: enough to recognise in a log, not a full number of an unknown person. */
    static String masked(String number) {
        if (number.length() <= 6) {
            return "***";
        }
        return number.substring(0, number.length() - 4) + "**" + number.substring(number.length() - 2);
    }
}
