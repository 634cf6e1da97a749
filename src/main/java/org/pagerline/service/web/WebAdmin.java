package org.pagerline.service.web;

/** What the command line runs for the web: staff accounts and the contacts' email addresses. */
public record WebAdmin(StaffAccounts staff, ClientEmails emails) {}
