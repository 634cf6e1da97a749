package org.pagerline.service.web;

/**
 * What the command line and the web share: staff accounts, the contacts' email addresses, and the
 * sign-in rate limits' counts.
 */
public record WebAdmin(StaffAccounts staff, ClientEmails emails, AttemptLimits limits) {}
