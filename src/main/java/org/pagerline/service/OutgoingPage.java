package org.pagerline.service;

import org.pagerline.core.page.Channel;

/**
 * One page, ready for a channel adapter: everything it needs to call or text one person.
 *
 * @param pageId the outbox row; adapters pass it back with delivery results and key presses
 * @param to E.164 number of the person paged
 * @param text the SMS body, or the words a voice page speaks before the recording
 * @param recording the caller's recorded message as Asterisk names it (no extension); may be null
 * @param replyCode the short code a reply quotes ("12" in "12a")
 * @param attempt 1 for the first try, counting retries
 */
public record OutgoingPage(long pageId, long incidentId, long ticketId, Channel channel, String to,
        String technicianName, String text, String recording, String replyCode, int attempt) {}
