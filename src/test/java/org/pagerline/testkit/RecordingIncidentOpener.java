package org.pagerline.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.pagerline.service.IncidentOpener;
import org.pagerline.service.VoicemailIncident;

/** An {@link IncidentOpener} that remembers what it was asked to open; can be told to fail. */
public final class RecordingIncidentOpener implements IncidentOpener {
    private final List<VoicemailIncident> opened = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(100);
    private volatile RuntimeException failWith;
    private volatile boolean stoppedAwaiting;

    @Override
    public long openFromVoicemail(VoicemailIncident v) {
        if (failWith != null) {
            throw failWith;
        }
        opened.add(v);
        return ids.incrementAndGet();
    }

    /** As the real opener does, inside the line's transaction: the incident goes on the ticket. */
    @Override
    public long openFromVoicemail(org.pagerline.service.Stores s, VoicemailIncident v) {
        long id = openFromVoicemail(v);
        s.tickets().addEvent(v.ticketId(), v.leftAt(), "INCIDENT_OPENED", "incident " + id + " opened (test opener)");
        return id;
    }

    /**
     * As the real opener does with an incident still awaiting its call-back: the voicemail joins it
     * (its id comes back), unless told the incident stopped awaiting ({@link #incidentsStopAwaiting}).
     */
    @Override
    public long openFromVoicemail(org.pagerline.service.Stores s, VoicemailIncident v, org.pagerline.core.ticket.Ticket t,
            java.util.Optional<org.pagerline.core.incident.Incident> awaiting) {
        if (awaiting.isPresent() && !stoppedAwaiting) {
            opened.add(v);
            return awaiting.get().id();
        }
        return openFromVoicemail(s, v);
    }

    /** From now on an incident read as awaiting its call-back has been called back by the time the voicemail joins. */
    public void incidentsStopAwaiting() {
        stoppedAwaiting = true;
    }

    public List<VoicemailIncident> opened() {
        return List.copyOf(opened);
    }

    public void failWith(RuntimeException e) {
        failWith = e;
    }
}
