package org.pagerline.service;

import java.time.Clock;

/** The use cases, as the command line and the adapters see them. Built once, in boot. */
public record Services(Clock clock, RosterService roster, CalendarService calendar, TicketService tickets,
        QueueService queue,
        ClientService clients, CallService calls,
        IncidentService incidents, PagingService paging, PageLog pageLog,
        org.pagerline.service.web.WebAdmin web,
        org.pagerline.service.intake.EmailIntake mail) {

    /** Only the core services (tests of one door: no page log, web or mail). */
    public Services(Clock clock, RosterService roster, CalendarService calendar, TicketService tickets, QueueService queue,
            ClientService clients, CallService calls, IncidentService incidents, PagingService paging) {
        this(clock, roster, calendar, tickets, queue, clients, calls, incidents, paging, null, null, null);
    }
}
