package org.pagerline.testkit;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.pagerline.testkit.FakeTwilio.ApiRequest;
import org.pagerline.testkit.FakeTwilio.WebhookResponse;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A technician's phone as Twilio sees it, scripted by a test: it reads the SMS and calls pagerline
 * sent to it (through {@link FakeTwilio}'s recorded API requests) and answers with signed webhooks:
 * texts back, answers, presses keys, lets a call ring out.
 */
public final class FakePhone {
    private final FakeTwilio twilio;
    private final String number;
    private ApiRequest call;
    private String callSid;
    private Voice lastVoice;

    FakePhone(FakeTwilio twilio, String number) {
        this.twilio = twilio;
        this.number = number;
    }

    public String number() {
        return number;
    }

    /** Waits (bounded) for an SMS to this phone containing {@code text}. */
    public Sms expectSms(String text) {
        ApiRequest r = twilio.take(q -> "Messages".equals(q.kind()) && number.equals(q.to())
                && q.body() != null && q.body().contains(text), "an SMS to " + number + " containing '" + text + "'");
        return new Sms(r, r.sid());
    }

    /** An SMS sent to this phone; its status callback can be played back. */
    public final class Sms {
        private final ApiRequest request;
        private final String sid;

        Sms(ApiRequest request, String sid) {
            this.request = request;
            this.sid = sid;
        }

        public ApiRequest request() {
            return request;
        }

        public String text() {
            return request.body();
        }

        /** Twilio's status callback: delivered. */
        public WebhookResponse delivered() {
            return status("delivered", null);
        }

        /** Twilio's status callback: undelivered with this error code (e.g. 30003). */
        public WebhookResponse undelivered(int errorCode) {
            return status("undelivered", errorCode);
        }

        public WebhookResponse status(String status, Integer errorCode) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("AccountSid", twilio.accountSid());
            form.put("ApiVersion", "2010-04-01");
            form.put("From", request.from());
            form.put("MessageSid", sid);
            form.put("MessageStatus", status);
            form.put("SmsSid", sid);
            form.put("SmsStatus", status);
            form.put("To", number);
            if (errorCode != null) {
                form.put("ErrorCode", errorCode.toString());
            }
            return twilio.post(request.statusCallback(), form);
        }
    }

    /** This phone texts pagerline's number; returns pagerline's reply text ("" when it answers nothing). */
    public String reply(String body) {
        WebhookResponse r = replyRaw(body);
        if (r.status() != 200) {
            throw new AssertionError("SMS webhook answered " + r.status());
        }
        return messageText(r);
    }

    /** Texts pagerline and returns the raw webhook answer. */
    public WebhookResponse replyRaw(String body) {
        return twilio.post("/twilio/sms", smsForm(body, twilio.newSid("SM")));
    }

    /** The fields Twilio posts for an incoming SMS. */
    public Map<String, String> smsForm(String body, String messageSid) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("ToCountry", "CA");
        form.put("ToState", "MB");
        form.put("SmsMessageSid", messageSid);
        form.put("NumMedia", "0");
        form.put("SmsSid", messageSid);
        form.put("SmsStatus", "received");
        form.put("Body", body);
        form.put("To", "+12045550100");
        form.put("NumSegments", "1");
        form.put("MessageSid", messageSid);
        form.put("AccountSid", twilio.accountSid());
        form.put("From", number);
        form.put("FromCountry", "CA");
        form.put("ApiVersion", "2010-04-01");
        return form;
    }

        // ---- voice -----------------------------------------------------------------------------

    /** Waits (bounded) for a call to this phone. */
    public ApiRequest expectCall() {
        call = twilio.take(q -> "Calls".equals(q.kind()) && number.equals(q.to()), "a call to " + number);
        callSid = call.sid();
        lastVoice = null;
        return call;
    }

    /** Picks up: Twilio fetches the call's TwiML. */
    public Voice answer() {
        return voice(call.url(), Map.of());
    }

    /** Presses a key in the current Gather. */
    public Voice press(String key) {
        if (lastVoice == null || lastVoice.gatherAction() == null) {
            throw new AssertionError("no key menu is playing: " + (lastVoice == null ? "call not answered" : lastVoice.xml()));
        }
        return voice(lastVoice.gatherAction(), Map.of("Digits", key, "FinishedOnKey", ""));
    }

    /** Follows the current TwiML's Redirect (what Twilio does after a Gather with no key). */
    public Voice followRedirect() {
        if (lastVoice == null || lastVoice.redirect() == null) {
            throw new AssertionError("no redirect in " + (lastVoice == null ? "nothing" : lastVoice.xml()));
        }
        return voice(lastVoice.redirect(), Map.of());
    }

    /**
     * The {@code <Dial>} in the current TwiML ends with this DialCallStatus (completed, busy,
     * no-answer, failed, canceled): Twilio posts it to the Dial's action and plays what comes back.
     */
    public Voice dialEnds(String dialCallStatus) {
        if (lastVoice == null || lastVoice.dialAction() == null || lastVoice.dialAction().isEmpty()) {
            throw new AssertionError("no <Dial action> in " + (lastVoice == null ? "nothing" : lastVoice.xml()));
        }
        return voice(lastVoice.dialAction(), Map.of("DialCallStatus", dialCallStatus,
                "DialCallSid", "CA" + "d".repeat(32), "DialCallDuration", "completed".equals(dialCallStatus) ? "95" : "0"));
    }

    /**
     * The technician ends the call-back by hanging up after {@code dialSeconds} bridged: Twilio
     * still posts the {@code <Dial action>} (CallStatus completed, DialCallDuration) and ignores
     * the TwiML it gets back.
     */
    public WebhookResponse hangsUpToEndDial(String dialCallStatus, int dialSeconds) {
        if (lastVoice == null || lastVoice.dialAction() == null || lastVoice.dialAction().isEmpty()) {
            throw new AssertionError("no <Dial action> in " + (lastVoice == null ? "nothing" : lastVoice.xml()));
        }
        Map<String, String> form = callForm("completed");
        form.put("DialCallStatus", dialCallStatus);
        form.put("DialCallSid", "CA" + "d".repeat(32));
        form.put("DialCallDuration", Integer.toString(dialSeconds));
        return twilio.post(lastVoice.dialAction(), form);
    }

    /** The call ends with this CallStatus (completed, busy, no-answer, failed): the status callback. */
    public WebhookResponse callEnds(String status) {
        Map<String, String> form = callForm(status);
        form.put("CallDuration", "completed".equals(status) ? "21" : "0");
        return twilio.post(call.statusCallback(), form);
    }

    private Voice voice(String url, Map<String, String> extra) {
        Map<String, String> form = callForm("in-progress");
        form.putAll(extra);
        WebhookResponse r = twilio.post(url, form);
        if (r.status() != 200) {
            throw new AssertionError("voice webhook " + url + " answered " + r.status());
        }
        lastVoice = Voice.parse(r.body());
        return lastVoice;
    }

    private Map<String, String> callForm(String status) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", twilio.accountSid());
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", callSid);
        form.put("CallStatus", status);
        form.put("Called", number);
        form.put("Caller", call.from());
        form.put("Direction", "outbound-api");
        form.put("From", call.from());
        form.put("To", number);
        return form;
    }

    public String callSid() {
        return callSid;
    }

    /** What a voice TwiML answer asks Twilio to do. */
    public record Voice(String xml, List<String> says, List<String> plays, String gatherAction, String redirect,
            String dial, String dialCallerId, boolean hangup, String dialAction) {
        static Voice parse(String xml) {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
                List<String> says = texts(d, "Say");
                List<String> plays = texts(d, "Play");
                Element gather = first(d, "Gather");
                Element redirect = first(d, "Redirect");
                Element dial = first(d, "Dial");
                return new Voice(xml, says, plays, gather == null ? null : gather.getAttribute("action"),
                        redirect == null ? null : redirect.getTextContent().trim(),
                        dial == null ? null : dial.getTextContent().trim(),
                        dial == null ? null : dial.getAttribute("callerId"), first(d, "Hangup") != null,
                        dial == null ? null : dial.getAttribute("action"));
            } catch (Exception e) {
                throw new AssertionError("not TwiML: " + xml, e);
            }
        }

        private static Element first(Document d, String tag) {
            NodeList l = d.getElementsByTagName(tag);
            return l.getLength() == 0 ? null : (Element) l.item(0);
        }

        private static List<String> texts(Document d, String tag) {
            List<String> out = new ArrayList<>();
            NodeList l = d.getElementsByTagName(tag);
            for (int i = 0; i < l.getLength(); i++) {
                Node n = l.item(i);
                out.add(n.getTextContent().trim());
            }
            return out;
        }
    }

    /** The text of the {@code <Message>} in an SMS webhook answer, "" for {@code <Response/>}. */
    public static String messageText(WebhookResponse r) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.UTF_8)));
            NodeList l = d.getElementsByTagName("Message");
            return l.getLength() == 0 ? "" : l.item(0).getTextContent();
        } catch (Exception e) {
            throw new AssertionError("not TwiML: " + r.body(), e);
        }
    }
}
