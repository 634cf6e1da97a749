package org.pagerline.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEMPORARY stand-in for the paging engine's {@link IncidentOpener}, so the support line can be
 * run before the engine is merged: it logs the request and records INCIDENT_REQUESTED on the
 * ticket, and opens nothing (returns 0, "no incident"). The lead replaces it in boot/Wiring with
 * the engine's implementation at merge; nothing else refers to it.
 */
public final class TemporaryIncidentOpener implements IncidentOpener {
    private static final Logger log = LoggerFactory.getLogger(TemporaryIncidentOpener.class);
    private final TicketService tickets;

    public TemporaryIncidentOpener(TicketService tickets) {
        this.tickets = tickets;
    }

    @java.lang.Override
    public long openFromVoicemail(VoicemailIncident v) {
        log.warn("no paging engine wired: incident for ticket {} ({} from {}) only recorded on the ticket",
                v.ticketId(), v.priority(), v.callerNumber());
        tickets.addEvent(v.ticketId(), "INCIDENT_REQUESTED", "urgent voicemail " + v.recording() + " (" + v.priority()
                + "), call back " + (v.callbackNumber() == null ? "number unknown" : v.callbackNumber())
                + "; paging engine not wired yet");
        return 0;
    }
}
