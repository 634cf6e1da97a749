package org.pagerline.adapter.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import java.util.Set;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.SendResult;

/**
 * Which Twilio failures are worth retrying. Permanent: the recipient sent STOP (21610), the number
 * is invalid or cannot take the message or call (21211, 21214, 21217, 21401, 21421, 21612, 21614,
 * 13223, 13224), blocked or filtered (30004, 30006, 30007), or pagerline is not allowed to reach it
 * (21408, 21215, authentication 20003). Temporary: unreachable handset or carrier trouble (30003,
 * 30005, 30008), queue overflow (30001), rate limits (20429, 14107, HTTP 429), any 5xx, and timeouts
 * and I/O errors. Anything else in 4xx is a request Twilio refuses: permanent.
 */
final class TwilioErrors {
    private TwilioErrors() {}

    static final Set<Integer> PERMANENT = Set.of(21610, 21211, 21214, 21215, 21217, 21401, 21408, 21421, 21612,
            21614, 13223, 13224, 30004, 30006, 30007, 20003);
    static final Set<Integer> TEMPORARY = Set.of(30001, 30003, 30005, 30008, 20429, 14107);

    /** Maps an exception thrown by a create call. Never throws. */
    static SendResult sendFailure(RuntimeException e) {
        if (answerNotRead(e)) {
            // The request went out and the answer did not come in time: Twilio may well have created
            // the message or call. Not a failed send: the page is looked up before it is sent again.
            return SendResult.unknown("no answer from Twilio in time (it may have the request): " + describe(e));
        }
        if (e instanceof ApiConnectionException) {
            return SendResult.temporary(null, "Twilio not reached: " + describe(e));
        }
        if (e instanceof ApiException api) {
            Integer code = api.getCode();
            Integer status = api.getStatusCode();
            String codeText = code == null ? null : code.toString();
            if (code == null && status == null) {
                // the SDK wraps timeouts and unreadable (non-JSON, e.g. a proxy's 500 page) answers this way
                return SendResult.temporary(null, "Twilio not reached or no usable answer: " + describe(e));
            }
            String detail = "Twilio refused" + (code == null ? "" : " (error " + code + ")")
                    + (status == null ? "" : " HTTP " + status) + ": " + describe(e);
            if (code != null && PERMANENT.contains(code)) {
                return SendResult.permanent(coreCode(codeText), detail);
            }
            if (code != null && TEMPORARY.contains(code)) {
                return SendResult.temporary(codeText, detail);
            }
            if (status == null || status >= 500 || status == 429) {
                return SendResult.temporary(codeText != null ? codeText : status == null ? null : "HTTP " + status, detail);
            }
            return SendResult.permanent(codeText != null ? codeText : "HTTP " + status, detail);
        }
        return SendResult.temporary(null, "Twilio send failed: " + describe(e));
    }

    /** A read timeout (or a connection lost after the request was written) anywhere in the causes. */
    static boolean answerNotRead(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                return false;   // never reached Twilio: a plain temporary failure
            }
            if (t instanceof java.net.SocketTimeoutException
                    || t instanceof org.apache.hc.core5.http.NoHttpResponseException) {
                return true;
            }
        }
        return false;
    }

    /** Twilio 21610 (the recipient sent STOP) as pagerline's {@link SendResult#OPTED_OUT}; other codes as they are. */
    static String coreCode(String twilioCode) {
        return twilioCode != null && twilioCode.trim().equals(STOPPED) ? SendResult.OPTED_OUT : twilioCode;
    }

    /** Twilio's "attempt to send to unsubscribed recipient" (the phone texted STOP). */
    static final String STOPPED = "21610";

    /** The outcome of a failed/undelivered status callback with this ErrorCode (may be blank). */
    static DeliveryReport.Outcome failureOutcome(String errorCode) {
        if (errorCode != null && !errorCode.isBlank()) {
            try {
                int code = Integer.parseInt(errorCode.trim());
                if (PERMANENT.contains(code)) {
                    return DeliveryReport.Outcome.PERMANENT_FAILURE;
                }
            } catch (NumberFormatException ignored) {
                // an unknown code is treated as temporary below
            }
        }
        return DeliveryReport.Outcome.TEMPORARY_FAILURE;
    }

    private static String describe(RuntimeException e) {
        String m = e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null) {
            m = m + " (" + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + ")";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
