package org.pagerline.core.ticket;

/** How the ticket came in. */
public enum TicketSource { PHONE, EMAIL, PORTAL, CLI }
