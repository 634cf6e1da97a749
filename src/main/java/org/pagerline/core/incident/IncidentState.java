package org.pagerline.core.incident;

/** Where an incident stands. Only moves forward: OPEN, then ACKNOWLEDGED, then CALLED_BACK, then RESOLVED. */
public enum IncidentState {
    /** Set by IncidentService when an urgent voicemail opens it: the engine pages until acknowledged. */
    OPEN,
    /** Set by PagingService (SMS reply, key 4 or 1) or the CLI: paging stops, the call-back timer runs on. */
    ACKNOWLEDGED,
    /** Set by PagingService (key 1 connects, SMS "c") or the CLI: the caller was called back; all timers stop. */
    CALLED_BACK,
    /** Set by the CLI (incident resolve): nothing more happens, the ticket is closed. */
    RESOLVED;

    /** True while someone still has to call the caller back. */
    public boolean awaitsCallback() {
        return this == OPEN || this == ACKNOWLEDGED;
    }
}
