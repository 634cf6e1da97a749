package org.pagerline.core.mail;

import java.time.Instant;

/** One message of a ticket's email thread, in or out. */
public record ThreadEntry(long id, String messageId, Instant at, boolean incoming, String from, String to, String subject, String body,
        String outcome, String flags, String sendState) {}
