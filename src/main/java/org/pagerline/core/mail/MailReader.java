package org.pagerline.core.mail;

import java.time.Instant;

/** Port: reads a message as received (RFC 5322 bytes) into an {@link InboundMail}; never throws on bad MIME. */
@FunctionalInterface
public interface MailReader {
    InboundMail read(byte[] raw, Instant receivedAt);
}
