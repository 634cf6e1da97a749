package org.pagerline.service.web;

import org.pagerline.core.directory.Client;

/**
 * Port: delivers a portal sign-in link to a client contact: by email when mail is configured,
 * else by SMS to the contact's directory phone. Called outside any transaction, off the request's
 * thread (so the answer takes the same time whether the address is known or not). Must not throw.
 *
 * @return a short word for the log: "sms", "email", "log", or why it was not sent
 */
@FunctionalInterface
public interface LinkSender {
    String send(Client client, String email, String link);
}
