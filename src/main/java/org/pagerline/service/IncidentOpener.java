package org.pagerline.service;

/**
 * Port between the support line and paging: an urgent voicemail opens an incident (state OPEN)
 * on its ticket, which starts the paging cycle. Returns the incident id.
 */
@FunctionalInterface
public interface IncidentOpener {
    long openFromVoicemail(VoicemailIncident voicemail);
}
