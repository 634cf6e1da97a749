package org.pagerline.adapter.twilio;

import java.util.Locale;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.DeliveryReport.Outcome;
import org.pagerline.service.PageResponses;
import org.pagerline.service.LogText;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /twilio/status?page=ID}: message and call status callbacks, turned into a
 * {@link DeliveryReport} for {@link PageResponses#onDelivery}. Only final statuses are reported:
 * <ul>
 * <li>SMS: delivered: DELIVERED; undelivered/failed: by ErrorCode (21610 and the like PERMANENT,
 *     otherwise TEMPORARY). queued, sending, sent, read: nothing to report.</li>
 * <li>Call: completed after a key was pressed ({@link VoiceKeyWebhook} marks it): DELIVERED;
 *     completed with no key (voicemail, hung up), busy, no-answer, canceled: NO_ANSWER; failed: by
 *     ErrorCode. initiated, ringing, in-progress: nothing to report.</li>
 * </ul>
 * A replay (same sid and status) is not reported twice.
 */
public final class StatusWebhook extends SignedWebhook {
    private static final Logger log = LoggerFactory.getLogger(StatusWebhook.class);
    private final PageResponses responses;

    StatusWebhook(WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals, PageResponses responses) {
        super(WebhookPaths.STATUS, urls, authToken, ledger, refusals);
        this.responses = responses;
    }

    private static boolean isCall(Request r) {
        return !r.field("CallSid").isEmpty() && !r.field("CallStatus").isEmpty();
    }

    private static String sid(Request r) {
        return isCall(r) ? r.field("CallSid") : r.field("MessageSid");
    }

    private static String status(Request r) {
        return (isCall(r) ? r.field("CallStatus") : r.field("MessageStatus")).toLowerCase(Locale.ROOT);
    }

    @Override
    String replayKey(Request r) throws FormData.BadForm {
        r.pageId();
        if (sid(r).isEmpty() || sid(r).length() > 64 || status(r).isEmpty() || status(r).length() > 32) {
            throw new FormData.BadForm(400, "missing sid or status");
        }
        return isFinal(r) ? "status:" + sid(r) + ":" + status(r) : null;
    }

    private static boolean isFinal(Request r) {
        return switch (status(r)) {
            case "delivered", "undelivered", "failed", "completed", "busy", "no-answer", "canceled" -> true;
            default -> false;
        };
    }

    @Override
    String act(Request r) throws FormData.BadForm {
        long page = r.pageId();
        if (!isFinal(r)) {
            return Twiml.emptyMessaging();
        }
        String status = status(r);
        String error = r.field("ErrorCode").isEmpty() ? null : r.field("ErrorCode");
        Outcome outcome = switch (status) {
            case "delivered" -> Outcome.DELIVERED;
            case "completed" -> ledger.seen(VoiceKeyWebhook.pressedKey(r.field("CallSid")))
                    ? Outcome.DELIVERED : Outcome.NO_ANSWER;
            case "busy", "no-answer", "canceled" -> Outcome.NO_ANSWER;
            default -> TwilioErrors.failureOutcome(error);
        };
        String detail = (isCall(r) ? "call " : "SMS ") + status + (error == null ? "" : " (error " + error + ")")
                + (outcome == Outcome.NO_ANSWER && "completed".equals(status) ? ", no key pressed" : "");
        log.info("page {}: Twilio {} -> {}", page, LogText.of(detail), outcome);
        responses.onDelivery(new DeliveryReport(page, sid(r), outcome, TwilioErrors.coreCode(error), detail));
        return Twiml.emptyMessaging();
    }
}
