package org.pagerline.service.intake;

import java.util.List;
import java.util.Locale;

/** The wording of every message the desk sends by email, in one place. */
final class MailTexts {
    private MailTexts() {}

    static String replySubject(String subject, Long ticketId) {
        String s = subject == null ? "" : subject.strip();
        String base = s.isEmpty() ? "Your request to the help desk" : s.matches("(?i)^re\\s*:.*") ? s : "Re: " + s;
        if (ticketId != null && !base.contains("[#" + ticketId + "]")) {
            base = base + " [#" + ticketId + "]";
        }
        return base;
    }

    /** @param projectDoneBy for a desktop project request, when it will be done (within one business day); else null */
    static String acknowledgement(long ticketId, String name, String contactBy, String projectDoneBy, String signature) {
        return "Hello" + (name == null ? "" : " " + name) + ",\n\n"
                + "Thank you for your message. We have opened ticket #" + ticketId + " for it.\n\n"
                + (projectDoneBy == null ? "" : "We have it as a desktop project request: it will be done by "
                        + projectDoneBy + ".\n\n")
                + "A technician will contact you by " + contactBy + ".\n\n"
                + "To add anything, reply to this message (keep [#" + ticketId + "] in the subject).\n\n"
                + "-- \n" + signature + "\n";
    }

    static String factsMissing(List<RequesterFacts.Missing> missing, String signature) {
        StringBuilder b = new StringBuilder("Hello,\n\nThank you for your message. Before we can open a ticket for it we need:\n\n");
        for (RequesterFacts.Missing m : missing) {
            b.append("- ").append(m.words).append('\n');
        }
        b.append("\nPlease reply to this message with ").append(missing.size() == 1 ? "it" : "them").append(", for example:\n\n");
        for (RequesterFacts.Missing m : missing) {
            b.append(m.example).append('\n');
        }
        b.append("\nWe have kept your message: your reply opens the ticket.\n\n-- \n").append(signature).append('\n');
        return b.toString();
    }

    static String staffReply(long ticketId, String body, String signature) {
        return "Hello,\n\n" + body + "\n\n"
                + "To answer, reply to this message (keep [#" + ticketId + "] in the subject).\n\n-- \n" + signature + "\n";
    }

    static String stateSubject(long ticketId, String status) {
        return "[#" + ticketId + "] Your ticket is now " + words(status);
    }

    static String stateChange(long ticketId, String status, String signature) {
        return "Hello,\n\nYour ticket #" + ticketId + " is now " + words(status) + ".\n\n"
                + "To add anything, reply to this message (keep [#" + ticketId + "] in the subject).\n\n-- \n" + signature + "\n";
    }

    static String words(String status) {
        return status.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
