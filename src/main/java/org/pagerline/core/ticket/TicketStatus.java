package org.pagerline.core.ticket;

/** OPEN from the first contact; CLOSED by an admin (CLI) or when its incident is resolved. */
public enum TicketStatus { OPEN, CLOSED }
