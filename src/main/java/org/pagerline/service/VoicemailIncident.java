package org.pagerline.service;

import java.time.Instant;
import org.pagerline.core.ticket.Priority;

/**
 * What the support line hands over when an urgent caller has left a message: everything the
 * paging cycle needs to tell the on-call people who called and play them the recording.
 *
 * @param recording the recording's name as Asterisk knows it (a path without extension)
 */
public record VoicemailIncident(long ticketId, Priority priority, String callerNumber, String callerName,
        String company, String callbackNumber, String recording, Instant leftAt) {}
