package org.pagerline.service;

import org.pagerline.core.page.Channel;

/**
 * Port: a way to send a page (Twilio SMS, Twilio voice, Asterisk voice, or the log). Called
 * outside any transaction. Must not throw for provider trouble: return a failure instead.
 */
public interface PageChannel {
    Channel channel();

    /** A short name for the ticket timeline: "twilio-sms", "asterisk-voice", "log". */
    String name();

    SendResult send(OutgoingPage page);
}
