package org.pagerline.adapter.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pagerline.core.directory.Client;
import org.pagerline.core.mail.ThreadEntry;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MailRig;

/**
 * Email intake end to end over real IMAP and SMTP (GreenMail in this JVM): customers' mail is
 * delivered to the desk's mailbox, pagerline reads it over IMAP (IDLE), opens tickets, and its
 * answers come back through real SMTP.
 */
class EmailIntakeOverImapIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String COMPLETE = """
            Hello,

            Name: Jane Smith
            Company: Acme Ltd
            Phone: +1 204 555 0123

            The printer on the 2nd floor shows a paper jam and prints nothing.
            """;

    @TempDir
    Path dir;
    MailRig rig;

    MailRig rig() {
        if (rig == null) {
            rig = new MailRig(dir);
        }
        return rig;
    }

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    public static String mail(String from, String subject, String body, String... headers) {
        StringBuilder b = new StringBuilder();
        b.append("From: ").append(from).append('\n');
        b.append("To: ").append(MailRig.DESK).append('\n');
        b.append("Subject: ").append(subject).append('\n');
        b.append("Message-ID: <").append(UUID.randomUUID()).append("@customer.test>\n");
        b.append("Date: Wed, 2 Dec 2026 08:00:00 +0000\n");
        for (String h : headers) {
            b.append(h).append('\n');
        }
        if (java.util.Arrays.stream(headers).noneMatch(h -> h.toLowerCase().startsWith("content-type"))) {
            b.append("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n");
        }
        return b.append('\n').append(body).toString();
    }

    List<Ticket> tickets() {
        return rig.tickets.list(100);
    }

    Ticket awaitTicket(int count) {
        Eventually.await(WAIT, count + " ticket(s)", () -> tickets().size() >= count);
        return tickets().get(0);
    }

    MimeMessage awaitAnswer(String to, int n) {
        Eventually.await(WAIT, n + " answer(s) to " + to, () -> rig.sentTo(to).size() >= n);
        return rig.sentTo(to).get(n - 1);
    }

    List<TicketEvent> events(long id) {
        return rig.tickets.show(id).events();
    }

    /** Waits until the reader has handled the newest message (its handled-UID mark moved past it). */
    void awaitHandled(int messages) {
        Eventually.await(WAIT, messages + " message(s) handled", () -> rig.intake.withStore(st ->
                st.mailbox(rig.config.imap().username() + "@127.0.0.1:" + rig.config.imap().port() + "/INBOX")
                        .map(m -> m.lastUid() - m.firstUid() + 1 >= messages).orElse(false)));
    }

    @Test
    void aCompleteMailOpensATicketAndIsAcknowledgedWithTheSixHourPromise() throws Exception {
        rig().start();
        Instant before = Instant.now();
        rig.deliver(mail("Jane Smith <jane@acme.test>", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        assertEquals(TicketSource.EMAIL, t.source());
        assertEquals("Jane Smith", t.callerName());
        assertEquals("Acme Ltd", t.company());
        assertEquals("+12045550123", t.callbackNumber());
        assertTrue(t.summary().contains("paper jam"), t.summary());

        MimeMessage ack = awaitAnswer("jane@acme.test", 1);
        assertTrue(ack.getSubject().contains("[#" + t.id() + "]"), ack.getSubject());
        String body = MailRig.body(ack);
        assertTrue(body.contains("ticket #" + t.id()), body);
        assertTrue(body.contains("within 6 hours"), body);
        assertEquals("auto-replied", MailRig.header(ack, "Auto-Submitted"));
        assertTrue(MailRig.header(ack, "Message-ID").matches("<pl\\.[0-9a-f-]{36}@desk\\.test>"), MailRig.header(ack, "Message-ID"));
        assertTrue(MailRig.header(ack, "In-Reply-To").endsWith("@customer.test>"));

        var thread = rig.intake.thread(t.id());
        Instant due = thread.mailTicket().ackDue();
        // the promise is the ticket's contact clock: 6 hours of business time on the desk calendar,
        // so at least 6 hours away, and the very instant the ticket's clock is due
        Instant contactDue = rig.tickets.detail(t.id()).clocks().stream()
                .filter(c -> c.kind() == org.pagerline.core.ticket.ClockKind.CONTACT).findFirst().orElseThrow().dueAt();
        assertEquals(contactDue, due, "ack due");
        assertTrue(!due.isBefore(before.plus(Duration.ofHours(6)).minusSeconds(2)), "ack due " + due);
        assertTrue(body.contains("contact you by " + org.pagerline.core.text.DeskTime.format(due,
                rig.tickets.detail(t.id()).zone())), body);
        assertTrue(events(t.id()).stream().anyMatch(e -> e.kind().equals("ACK_DUE")));
        assertEquals(2, thread.messages().size(), "the customer's mail and the acknowledgement");
    }

    @Test
    void aMailAskingForADesktopProjectIsAcknowledgedWithWhenItWillBeDone() throws Exception {
        rig().start();
        rig.deliver(mail("Jane Smith <jane@acme.test>", "Desktop project request: a PC for our new hire", """
                Name: Jane Smith
                Company: Acme Ltd
                Phone: +1 204 555 0123

                Please set up a PC with Office for Sam, who starts on Monday.
                """));
        Ticket t = awaitTicket(1);
        var d = rig.tickets.detail(t.id());
        assertTrue(d.project(), d.clocks().toString());
        assertNull(t.priority());
        Instant doneBy = d.clocks().stream().filter(c -> c.kind() == org.pagerline.core.ticket.ClockKind.RESOLVE)
                .findFirst().orElseThrow().dueAt();
        assertTrue(d.clocks().stream().noneMatch(c -> c.kind() == org.pagerline.core.ticket.ClockKind.RESPOND), d.clocks().toString());

        String body = MailRig.body(awaitAnswer("jane@acme.test", 1));
        assertTrue(body.contains("We have it as a desktop project request: it will be done by "
                + org.pagerline.core.text.DeskTime.format(doneBy, d.zone()) + "."), body);
        assertTrue(body.contains("A technician will contact you by "), "the six-hour acknowledgement still holds: " + body);
        assertTrue(events(t.id()).stream().anyMatch(e -> e.kind().equals("OPENED")
                && e.detail().contains("a desktop project request")), events(t.id()).toString());
    }

    @Test
    void overTlsBothWaysACompleteMailIsAcknowledged() throws Exception {
        rig = new MailRig(dir, true);
        rig.start();
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        assertTrue(MailRig.body(awaitAnswer("jane@acme.test", 1)).contains("ticket #" + t.id()));
    }

    @Test
    void anIncompleteMailGetsOneReplyNamingExactlyWhatIsMissingAndTheReplyWithTheFactsOpensTheTicket() throws Exception {
        rig().start();
        rig.deliver(mail("jane@acme.test", "Laptop", "Name: Jane Smith\n\nMy laptop will not start since the update last night.\n"));
        MimeMessage ask = awaitAnswer("jane@acme.test", 1);
        String body = MailRig.body(ask);
        assertTrue(body.contains("- your company\n- a phone number we can call you back on\n\n"), body);
        assertFalse(body.contains("full name"), body);
        assertFalse(body.contains("description"), body);
        assertTrue(body.contains("Company: Acme Ltd\nPhone: +1 204 555 0123"), body);
        assertEquals("auto-replied", MailRig.header(ask, "Auto-Submitted"));
        assertEquals(0, tickets().size());

        String ours = MailRig.header(ask, "Message-ID");
        rig.deliver(mail("jane@acme.test", "Re: Laptop", "Company: Acme Ltd\nPhone: 204 555 0123\n\n> Hello,\n> quoted\n",
                "In-Reply-To: " + ours, "References: " + ours));
        Ticket t = awaitTicket(1);
        assertEquals("Jane Smith", t.callerName());
        assertEquals("Acme Ltd", t.company());
        assertEquals("+12045550123", t.callbackNumber());
        assertTrue(t.summary().contains("will not start"), t.summary());
        MimeMessage ack = awaitAnswer("jane@acme.test", 2);
        assertTrue(MailRig.body(ack).contains("ticket #" + t.id()));
        awaitHandled(2);
        assertEquals(2, rig.sentTo("jane@acme.test").size(), "one question, one acknowledgement");
    }

    @Test
    void aKnownContactsTwoLineMailOpensATicket() throws Exception {
        rig();
        Client c = rig.tx.inTransaction(s -> s.clients().insert(new Client(0, "Northwind Traders", "Ann Lee",
                List.of("+12045550177")), Instant.now()));
        rig.intake.addContactEmail(c.id(), "Ann.Lee@Northwind.test");
        rig.start();
        rig.deliver(mail("ann.lee@northwind.test", "printer", "The printer is jammed again.\nAnn\n"));
        Ticket t = awaitTicket(1);
        assertEquals("Ann Lee", t.callerName());
        assertEquals("Northwind Traders", t.company());
        assertEquals("+12045550177", t.callbackNumber());
        assertTrue(MailRig.body(awaitAnswer("ann.lee@northwind.test", 1)).contains("ticket #" + t.id()));
    }

    /**
     * A stranger's complete mail opens a ticket under whatever company it names, but that company's
     * portal never shows it (nor its files): only its contacts' mail and calls reach it there.
     */
    @Test
    void aStrangersMailNamingAClientsCompanyNeverReachesThatCompanysPortal() throws Exception {
        rig();
        Client ann = rig.tx.inTransaction(s -> s.clients().insert(new Client(0, "Acme Ltd", "Ann Lee",
                List.of("+12045550177")), Instant.now()));
        rig.intake.addContactEmail(ann.id(), "ann@acme.test");
        rig.start();
        rig.deliver(mail("IT Security <x@evil.test>", "VPN reset", COMPLETE.replace("Jane Smith", "IT Security")));
        Ticket stranger = awaitTicket(1);
        rig.deliver(mail("ann@acme.test", "printer", "The printer is jammed again.\nAnn\n"));
        Eventually.await(WAIT, "Ann's ticket", () -> tickets().size() == 2);
        Ticket anns = tickets().stream().filter(t -> t.id() != stranger.id()).findFirst().orElseThrow();
        assertEquals("Acme Ltd", stranger.company(), "the desk still sees what the stranger wrote");

        List<Long> portal = rig.tx.inTransaction(s -> s.web().companyTickets("acme ltd", 200)).stream()
                .map(org.pagerline.core.web.TicketRow::id).toList();
        assertEquals(List.of(anns.id()), portal, "Acme's portal shows its contact's ticket only");
        boolean strangersShown = rig.tx.inTransaction(s -> s.web().companyTicket(stranger.id(), "Acme Ltd"));
        boolean annsShown = rig.tx.inTransaction(s -> s.web().companyTicket(anns.id(), "Acme Ltd"));
        assertFalse(strangersShown, "the stranger's ticket is not Acme's on the portal");
        assertTrue(annsShown);
    }

    @Test
    void repliesJoinTheirTicketByOurMessageIdThenBySubjectTagButATagFromAStrangerDoesNot() throws Exception {
        rig().start();
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        MimeMessage ack = awaitAnswer("jane@acme.test", 1);
        String ours = MailRig.header(ack, "Message-ID");

        rig.deliver(mail("jane@acme.test", "Re: whatever", "It is still jammed.\n", "In-Reply-To: " + ours));
        rig.deliver(mail("jane@acme.test", "More [#" + t.id() + "]", "Also the toner is low.\n"));
        rig.deliver(mail("mallory@evil.test", "Re: [#" + t.id() + "]", "Let me in.\n"));
        awaitHandled(4);
        assertEquals(1, tickets().size());
        List<String> replies = events(t.id()).stream().filter(e -> e.kind().equals("CUSTOMER_REPLIED")).map(TicketEvent::detail).toList();
        assertEquals(List.of("It is still jammed.", "Also the toner is low."), replies);
        List<ThreadEntry> thread = rig.intake.thread(t.id()).messages();
        assertEquals(4, thread.size(), "first mail, acknowledgement, two replies");
        assertTrue(thread.stream().noneMatch(m -> "mallory@evil.test".equals(m.from())));
        assertEquals(1, rig.sentTo("jane@acme.test").size(), "replies are not acknowledged again");
        awaitAnswer("mallory@evil.test", 1); // asked for the facts like any new sender
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated", "Precedence: bulk", "Precedence: junk",
            "Precedence: list", "List-Id: <news.acme.test>", "Return-Path: <>", "X-Autoreply: yes"})
    void automaticBulkAndBounceMailIsNeverAnswered(String header) {
        rig().start();
        rig.deliver(mail("robot@acme.test", "Hello", "I am away until Monday.\n", header));
        rig.deliver(mail("person@acme.test", "Hello", "What is my password\n"));
        awaitAnswer("person@acme.test", 1); // handled in order: the first was done before this answer
        awaitHandled(2);
        assertEquals(0, rig.sentTo("robot@acme.test").size());
        assertEquals(0, tickets().size());
    }

    @Test
    void mailFromMailerDaemonIsNeverAnswered() {
        rig().start();
        rig.deliver(mail("MAILER-DAEMON@mx.acme.test", "Undelivered Mail Returned to Sender", "Your message could not be delivered.\n"));
        rig.deliver(mail("person@acme.test", "Hello", "What is my password\n"));
        awaitAnswer("person@acme.test", 1);
        assertEquals(0, rig.sentTo("mailer-daemon@mx.acme.test").size());
    }

    @Test
    void anAutoReplyWarStopsAtThePerSenderCap() {
        rig().configure(Map.of("mail.reply-cap", "3")).start();
        // a responder that marks nothing and answers every message (ours included) with a new one
        for (int i = 0; i < 6; i++) {
            rig.deliver(mail("robot@loop.test", "Re: Your request", "Thank you for your email #" + i + ".\n"));
        }
        awaitHandled(6);
        assertEquals(3, rig.sentTo("robot@loop.test").size());
    }

    @Test
    void anAutoReplyToOurAcknowledgementIsKeptOnTheTicketAndNotAnswered() throws Exception {
        rig().start();
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        String ours = MailRig.header(awaitAnswer("jane@acme.test", 1), "Message-ID");
        rig.deliver(mail("jane@acme.test", "Automatic reply: Printer jammed", "I am out of the office.\n",
                "Auto-Submitted: auto-replied", "In-Reply-To: " + ours));
        awaitHandled(2);
        assertTrue(events(t.id()).stream().anyMatch(e -> e.kind().equals("MAIL_AUTOMATIC")));
        assertTrue(events(t.id()).stream().noneMatch(e -> e.kind().equals("CUSTOMER_REPLIED")));
        assertEquals(1, rig.sentTo("jane@acme.test").size());
    }

    @Test
    void aBounceOfOurOwnMailIsRecordedOnTheTicket() throws Exception {
        rig().start();
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        String ours = MailRig.header(awaitAnswer("jane@acme.test", 1), "Message-ID");
        rig.deliver("""
                From: MAILER-DAEMON@mx.acme.test
                To: help@desk.test
                Return-Path: <>
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <bounce-1@mx.acme.test>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain

                Your message could not be delivered to jane@acme.test.
                --B
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.acme.test

                Final-Recipient: rfc822; jane@acme.test
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 user unknown
                --B
                Content-Type: text/rfc822-headers

                From: help@desk.test
                To: jane@acme.test
                Message-ID: %s
                --B--
                """.formatted(ours));
        Eventually.await(WAIT, "the bounce on the ticket", () -> events(t.id()).stream().anyMatch(e -> e.kind().equals("MAIL_BOUNCED")));
        String detail = events(t.id()).stream().filter(e -> e.kind().equals("MAIL_BOUNCED")).findFirst().orElseThrow().detail();
        assertTrue(detail.contains("550 5.1.1 user unknown"), detail);
        assertEquals(1, rig.sentTo("jane@acme.test").size());
        assertEquals(0, rig.sentTo("mailer-daemon@mx.acme.test").size());
    }

    @Test
    void mailInTheMailboxBeforeTheFirstConnectionIsKeptButNeverAnswered() {
        rig();
        rig.deliver(mail("old@acme.test", "Printer jammed (2019)", COMPLETE));
        rig.start();
        rig.deliver(mail("new@acme.test", "Printer jammed", COMPLETE));
        awaitAnswer("new@acme.test", 1);
        assertEquals(1, tickets().size());
        assertEquals(0, rig.sentTo("old@acme.test").size());
    }

    @Test
    void aCrashBetweenFetchAndCommitLosesNothingAndDuplicatesNothing() {
        rig();
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
        rig.start(m -> {
            if (calls.incrementAndGet() == 1) {
                rig.stop(); // the process is gone: nothing after this point happens in this run
                gone.set(true);
                throw new IllegalStateException("crash before commit");
            }
        });
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Eventually.await(WAIT, "the crash", gone::get);
        assertEquals(0, tickets().size());
        assertEquals(0, rig.sentTo("jane@acme.test").size());
        rig.start(); // the restart
        awaitTicket(1);
        awaitAnswer("jane@acme.test", 1);
        awaitHandled(1);
        assertEquals(1, tickets().size());
        assertEquals(1, rig.sentTo("jane@acme.test").size());
    }

    @Test
    void theSameMessageDeliveredTwiceOpensOneTicket() {
        rig().start();
        String m = mail("jane@acme.test", "Printer jammed", COMPLETE);
        rig.deliver(m);
        rig.deliver(m);
        rig.deliver(mail("other@acme.test", "Printer jammed", COMPLETE));
        awaitAnswer("other@acme.test", 1);
        awaitHandled(3);
        assertEquals(2, tickets().size());
        assertEquals(1, rig.sentTo("jane@acme.test").size());
    }

    @Test
    void aMessageWhoseHandlingKeepsFailingIsKeptFlaggedAndSkipped() {
        rig();
        rig.start(m -> {
            if (m.subject().contains("poison")) {
                throw new IllegalStateException("a bug this message trips");
            }
        });
        rig.deliver(mail("jane@acme.test", "poison", COMPLETE));
        rig.deliver(mail("other@acme.test", "Printer jammed", COMPLETE));
        awaitAnswer("other@acme.test", 1);
        assertEquals(1, tickets().size());
        assertEquals("QUARANTINED", rig.outcomeOf("poison")[0]);
        assertTrue(rig.outcomeOf("poison")[1].contains("handling failed 3 times"), rig.outcomeOf("poison")[1]);
        assertEquals(0, rig.sentTo("jane@acme.test").size());
    }

    /**
     * A message larger than pagerline reads (a huge scan attached) is never read into memory: it
     * is flagged and skipped, and the mail after it is handled as usual.
     */
    @Test
    void aMessageTooLargeToReadIsKeptFlaggedAndSkippedAndTheNextIsHandled() {
        rig().start();
        String scan = java.util.Base64.getMimeEncoder().encodeToString(new byte[ImapInbox.MAX_MESSAGE_BYTES * 3 / 4 + 1024]);
        rig.deliver(mail("jane@acme.test", "huge scan", "--B\nContent-Type: text/plain\n\n" + COMPLETE
                + "\n--B\nContent-Type: image/tiff; name=scan.tif\nContent-Transfer-Encoding: base64\n\n" + scan + "\n--B--\n",
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=B"));
        rig.deliver(mail("other@acme.test", "Printer jammed", COMPLETE));
        awaitAnswer("other@acme.test", 1);
        assertEquals(1, tickets().size(), "only the second mail opened a ticket");
        assertEquals("QUARANTINED", rig.outcomeOf("huge scan")[0]);
        assertTrue(rig.outcomeOf("huge scan")[1].contains("too large to read"), rig.outcomeOf("huge scan")[1]);
        assertTrue(rig.isUp(), "the mailbox is still read");
    }

    @Test
    void theRequesterIsToldWhenTheTicketChangesState() throws Exception {
        rig().start();
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        awaitAnswer("jane@acme.test", 1);
        rig.tickets.close(t.id(), "fixed the paper path");
        MimeMessage told = awaitAnswer("jane@acme.test", 2);
        assertTrue(told.getSubject().contains("[#" + t.id() + "]"), told.getSubject());
        assertTrue(MailRig.body(told).contains("is now closed"), MailRig.body(told));
        assertEquals("auto-replied", MailRig.header(told, "Auto-Submitted"));
        assertNotNull(MailRig.header(told, "In-Reply-To"));
    }

    @Test
    void stateChangesAreNotToldWhenSwitchedOff() throws Exception {
        rig().configure(Map.of("mail.tell-state-changes", "false")).start();
        rig.deliver(mail("jane@acme.test", "Printer jammed", COMPLETE));
        Ticket t = awaitTicket(1);
        awaitAnswer("jane@acme.test", 1);
        rig.tickets.close(t.id(), "fixed");
        Eventually.await(WAIT, "the state noted as told", () -> rig.intake.thread(t.id()).mailTicket().toldStatus().equals("CLOSED"));
        assertEquals(1, rig.sentTo("jane@acme.test").size());
    }

    @Test
    void healthSaysWhetherTheMailboxIsReachable() {
        rig().start();
        Eventually.await(WAIT, "mail up", rig::isUp);
        rig.greenMail.stop();
        Eventually.await(WAIT, "mail down", () -> !rig.isUp());
    }
}
