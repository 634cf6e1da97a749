package org.pagerline.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;
import org.pagerline.core.mail.OutgoingMail;
import org.pagerline.service.intake.EmailIntake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pagerline simulate email}: a message to the desk without a mailbox. It is written as the
 * mail server would deliver it and goes through the same MIME reader and intake as mail read over
 * IMAP: it opens a ticket, asks for missing facts or joins its ticket, for real.
 */
@Command(name = "email", mixinStandardHelpOptions = true,
        description = {"Sends a message to pagerline's email intake without a mailbox, as if it had arrived over IMAP, "
                + "and prints what pagerline did and answered. The message is real to pagerline: it opens or updates a ticket.",
                "Example: pagerline simulate email --from jane@acme.example --subject 'Printer jammed' --body-file mail.txt"})
final class SimulateEmail implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    SimulateCommand parent;

    @Option(names = "--from", required = true, description = "Sender, e.g. jane@acme.example or 'Jane Smith <jane@acme.example>'.")
    String from;

    @Option(names = "--subject", defaultValue = "", description = "Subject line (a [#123] tag joins ticket 123).")
    String subject;

    @Option(names = "--body-file", required = true, description = "The body, UTF-8 text (HTML when the name ends in .html or .htm).")
    Path bodyFile;

    @Option(names = "--in-reply-to", description = "Message-ID this answers (e.g. the one pagerline's answer carried).")
    String inReplyTo;

    @Override
    public Integer call() {
        String address = from.contains("<") ? from.substring(from.indexOf('<') + 1, from.indexOf('>', from.indexOf('<') + 1) < 0
                ? from.length() : from.indexOf('>', from.indexOf('<') + 1)) : from.strip();
        if (!address.matches("[^@\\s<>]+@[^@\\s<>]+\\.[^@\\s<>]+")) {
            throw Cli.invalid("--from '" + from + "' is not an email address such as jane@acme.example");
        }
        if (from.contains("\n") || from.contains("\r") || subject.contains("\n") || subject.contains("\r")) {
            throw Cli.invalid("--from and --subject must be one line each");
        }
        if (inReplyTo != null && !inReplyTo.strip().matches("<[^<>\\s]+>")) {
            throw Cli.invalid("--in-reply-to '" + inReplyTo + "' is not a Message-ID such as <abc@example.com>");
        }
        byte[] body;
        try {
            body = Files.readAllBytes(bodyFile);
        } catch (IOException e) {
            throw Cli.invalid("--body-file " + bodyFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (body.length > 10 * 1024 * 1024) {
            throw Cli.invalid("--body-file " + bodyFile + " is larger than 10 MB");
        }
        EmailIntake intake = parent.root.services().mail();
        if (intake == null) {
            throw new IllegalStateException("email intake is not available in this process");
        }
        String name = bodyFile.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        String messageId = "<sim." + UUID.randomUUID() + "@simulate.pagerline>";
        StringBuilder h = new StringBuilder();
        h.append("From: ").append(from.strip()).append("\r\n");
        h.append("To: ").append(intake.settings().ownAddress()).append("\r\n");
        h.append("Subject: ").append(encoded(subject)).append("\r\n");
        h.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(parent.root.services().clock()))).append("\r\n");
        h.append("Message-ID: ").append(messageId).append("\r\n");
        if (inReplyTo != null) {
            h.append("In-Reply-To: ").append(inReplyTo.strip()).append("\r\nReferences: ").append(inReplyTo.strip()).append("\r\n");
        }
        h.append("MIME-Version: 1.0\r\n");
        h.append("Content-Type: ").append(html ? "text/html" : "text/plain").append("; charset=UTF-8\r\n");
        h.append("Content-Transfer-Encoding: base64\r\n\r\n");
        h.append(Base64.getMimeEncoder().encodeToString(body)).append("\r\n");
        EmailIntake.Result r = intake.handleRaw(h.toString().getBytes(StandardCharsets.US_ASCII));
        var out = parent.root.out();
        out.println("message " + messageId + " from " + address + ": " + r.outcome().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ') + (r.ticketId() == null ? "" : ", ticket " + r.ticketId()));
        if (r.replies().isEmpty()) {
            out.println("no answer sent");
        }
        for (OutgoingMail m : r.replies()) {
            out.println("--- answer to " + m.to() + " (Message-ID " + m.messageId() + ")");
            out.println("Subject: " + m.subject());
            out.println();
            out.print(m.body());
        }
        return Cli.OK;
    }

    private static String encoded(String s) {
        if (s.chars().allMatch(c -> c >= 32 && c < 127)) {
            return s;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
