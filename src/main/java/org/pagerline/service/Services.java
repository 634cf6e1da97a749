package org.pagerline.service;

import java.time.Clock;

/** The use cases, as the command line and the adapters see them. Built once, in boot. */
public record Services(Clock clock, RosterService roster, CalendarService calendar, TicketService tickets,
        QueueService queue,
        ClientService clients, CallService calls,
        IncidentService incidents, PagingService paging, org.pagerline.service.intake.EmailIntake mail) {

    /** Without email intake (tests of other doors). */
    public Services(Clock clock, RosterService roster, CalendarService calendar, TicketService tickets, QueueService queue,
            ClientService clients, CallService calls, IncidentService incidents, PagingService paging) {
        this(clock, roster, calendar, tickets, queue, clients, calls, incidents, paging, null);
    }
}
