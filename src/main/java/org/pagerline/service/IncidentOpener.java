package org.pagerline.service;

/**
 * Port between the support line and paging: an urgent voicemail opens an incident (state OPEN)
 * on its ticket, which starts the paging cycle. Returns the incident id.
 *
 * <p>{@link #openFromVoicemail(Stores, VoicemailIncident)} opens it
 * inside the caller's transaction, so the voicemail and its incident commit together (or neither
 * does); the caller calls {@link #afterCommit()} once that transaction has committed so paging
 * starts at once. The defaults keep a plain opener (a test double) working as before.
 */
@FunctionalInterface
public interface IncidentOpener {
    long openFromVoicemail(VoicemailIncident voicemail);

    /** Opens the incident with the caller's stores (its transaction). Default: the opener's own transaction. */
    default long openFromVoicemail(Stores inTransaction, VoicemailIncident voicemail) {
        return openFromVoicemail(voicemail);
    }

    /**
     * As {@link #openFromVoicemail(Stores, VoicemailIncident)}, with what the caller has just read
     * in that transaction: the ticket as it stands and the incident on it still awaiting its
     * call-back, if any (the support line reads both first, so they are not read twice).
     */
    default long openFromVoicemail(Stores inTransaction, VoicemailIncident voicemail,
            org.pagerline.core.ticket.Ticket ticket, java.util.Optional<org.pagerline.core.incident.Incident> awaiting) {
        return openFromVoicemail(inTransaction, voicemail);
    }

    /** The transaction that opened incidents committed: wake the engine. Default: nothing to do. */
    default void afterCommit() {
    }
}
