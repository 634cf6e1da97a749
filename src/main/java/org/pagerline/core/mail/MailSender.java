package org.pagerline.core.mail;

/** Port: hands one message to the outgoing mail server (SMTP), or prints it when mail is off. */
public interface MailSender {

    void send(OutgoingMail m) throws Failure;

    /** A send that did not happen; {@code permanent} when trying again cannot help (address refused). */
    final class Failure extends Exception {
        private final boolean permanent;

        public Failure(String message, boolean permanent) {
            super(message, null, false, false);
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }
}
