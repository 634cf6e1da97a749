package org.pagerline.core.mail;

import java.time.Instant;
import java.util.List;

/**
 * One message as it came in, translated from MIME at the edge (the mail adapter): headers that
 * matter for threading and loop protection, the body as plain text, the attachments.
 *
 * @param messageId     the Message-ID with its angle brackets; one made from the content when the message had none
 * @param from          the sender's address, lower case; empty when there was none
 * @param fromName      the display name, or null
 * @param references    Message-IDs from In-Reply-To, then References (newest last), deduplicated
 * @param returnPath    the Return-Path header: null when absent, "" for the null return path {@code <>}
 * @param autoSubmitted the Auto-Submitted header (RFC 3834), or null
 * @param precedence    the Precedence header, lower case, or null
 * @param listId        the List-Id header, or null
 * @param otherAutoMark a non-standard auto-reply mark (X-Autoreply, X-Autorespond, X-Auto-Response-Suppress
 *                      on a reply, an "auto-reply" subject from a vacation responder), or null
 * @param deliveryReport multipart/report (a delivery status notification)
 * @param text          the body as text (HTML-only mail converted); never null
 * @param problem       what was wrong with the MIME when it was malformed (the message is kept anyway), else null
 * @param raw           the message as received, kept when {@code problem} is set; else may be null
 */
public record InboundMail(
        String messageId,
        String from,
        String fromName,
        String subject,
        List<String> references,
        String returnPath,
        String autoSubmitted,
        String precedence,
        String listId,
        String otherAutoMark,
        boolean deliveryReport,
        String text,
        List<Attachment> attachments,
        String problem,
        byte[] raw,
        Instant receivedAt) {

    public InboundMail {
        if (messageId == null || messageId.isBlank()) {
            throw new IllegalArgumentException("a message needs a Message-ID (made up by the adapter when absent)");
        }
        from = from == null ? "" : from.trim().toLowerCase(java.util.Locale.ROOT);
        subject = subject == null ? "" : subject;
        references = List.copyOf(references == null ? List.of() : references);
        text = text == null ? "" : text;
        attachments = List.copyOf(attachments == null ? List.of() : attachments);
    }

    /**
     * An attachment: its content when within the size cap, else only its name and size.
     *
     * @param content null when refused
     * @param refused why it was not kept (too large), or null
     */
    public record Attachment(String name, long size, byte[] content, String refused) {}
}
