package org.pagerline.core.ticket;

/**
 * Who asked, as a door knows them. Any field may be null when the door did not learn it.
 *
 * @param phone a call-back number, E.164
 */
public record Requester(String name, String company, String phone, String email) {}
