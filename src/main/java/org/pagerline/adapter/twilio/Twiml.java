package org.pagerline.adapter.twilio;

import com.twilio.twiml.MessagingResponse;
import com.twilio.twiml.TwiML;
import com.twilio.twiml.TwiMLException;
import com.twilio.twiml.messaging.Message;

/** TwiML through twilio-java's builders, which escape the text (an SMS reply may hold '<' or '&'). */
final class Twiml {
    private Twiml() {}

    static String xml(TwiML twiml) {
        try {
            return twiml.toXml();
        } catch (TwiMLException e) {
            throw new IllegalStateException("cannot render TwiML", e);
        }
    }

    /** {@code <Response/>}: no reply. */
    static String emptyMessaging() {
        return xml(new MessagingResponse.Builder().build());
    }

    /** {@code <Response><Message>text</Message></Response>}. */
    static String message(String text) {
        return xml(new MessagingResponse.Builder().message(new Message.Builder(text).build()).build());
    }
}
