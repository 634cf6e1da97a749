package org.pagerline.core.incident;

/**
 * Where an incident stands. Only moves forward: OPEN, then ACKNOWLEDGED, then CALLED_BACK, then
 * RESOLVED. Every move is an {@link IncidentLife} transition, saved by the services with one
 * compare-and-set on the incident's version.
 */
public enum IncidentState {
    /** Set by Incident.open (IncidentService, an urgent voicemail): the engine pages until acknowledged. */
    OPEN,
    /** Set by IncidentLife.acknowledge (SMS reply, key 4, 1 or 9, the CLI): paging stops, the call-back timer runs on. */
    ACKNOWLEDGED,
    /** Set by IncidentLife.calledBack (key 1 connects, SMS "c", the CLI): the caller was called back; all timers stop. */
    CALLED_BACK,
    /** Set by IncidentLife.resolve (the CLI's incident resolve): nothing more happens, the ticket is closed. */
    RESOLVED;

    /** True while someone still has to call the caller back. */
    public boolean awaitsCallback() {
        return this == OPEN || this == ACKNOWLEDGED;
    }
}
