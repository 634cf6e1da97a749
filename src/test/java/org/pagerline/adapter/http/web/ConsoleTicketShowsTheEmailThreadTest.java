package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.mail.OutgoingMail;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.intake.EmailIntake;

/** The console's ticket page shows an email ticket's messages in and out, and a reply from it goes to the requester by mail. */
class ConsoleTicketShowsTheEmailThreadTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    private long mailedTicket() {
        String raw = "From: Jane Doe <jane@acme.example>\r\nTo: help@desk.test\r\nSubject: Printer <jammed>\r\n"
                + "Message-ID: <m-1@acme.example>\r\nDate: Mon, 23 Nov 2026 15:00:00 +0000\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nThe printer on floor 2 shows a <b>paper jam</b>.\r\n";
        EmailIntake.Result r = rig.services.mail().handleRaw(raw.getBytes(StandardCharsets.UTF_8));
        assertEquals(EmailIntake.Outcome.TICKET_OPENED, r.outcome());
        return r.ticketId();
    }

    private List<OutgoingMail> outbox() {
        return rig.db.transactions().inTransaction(s -> s.mail().due(rig.clock.instant(), 20));
    }

    @Test
    void theTicketPageShowsTheMessageThatOpenedItAndTheAcknowledgementSent() throws Exception {
        long t = mailedTicket();
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        String page = tess.get("/console/tickets/" + t).body();
        assertTrue(page.contains("id=\"mail-thread\""), page);
        String thread = page.substring(page.indexOf("id=\"mail-thread\""), page.indexOf("</ol>", page.indexOf("id=\"mail-thread\"")));
        assertTrue(thread.contains("jane@acme.example"), thread);
        assertTrue(thread.contains("Printer &lt;jammed&gt;"), "the subject, escaped: " + thread);
        assertTrue(thread.contains("shows a &lt;b&gt;paper jam&lt;/b&gt;"), "the body, escaped: " + thread);
        assertTrue(thread.contains("class=\"mail-out\""), "the acknowledgement sent: " + thread);
        assertTrue(thread.indexOf("class=\"mail-in\"") < thread.indexOf("class=\"mail-out\""), "oldest first");
    }

    @Test
    void aReplyFromTheConsoleIsMailedToTheRequesterInTheThread() throws Exception {
        long t = mailedTicket();
        int before = outbox().size();
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        tess.get("/console/tickets/" + t);
        assertEquals(303, tess.submit("/console/tickets/" + t + "/reply", Map.of("text", "Open the side door and pull the sheet."))
                .statusCode());
        List<OutgoingMail> out = outbox();
        assertEquals(before + 1, out.size());
        OutgoingMail reply = out.stream().filter(m -> m.kind().equals("REPLY")).findFirst().orElseThrow();
        assertEquals("jane@acme.example", reply.to());
        assertTrue(reply.subject().contains("[#" + t + "]"), reply.subject());
        assertTrue(reply.body().contains("Open the side door and pull the sheet."), reply.body());
        assertTrue(reply.inReplyTo() != null, "threaded to the last message");
        String page = tess.get("/console/tickets/" + t).body();
        assertTrue(page.contains("and emailed to jane@acme.example"), page);
        assertTrue(page.contains("Open the side door and pull the sheet."));
    }

    @Test
    void aTicketThatDidNotComeByEmailHasNoThreadAndItsReplyMailsNobody() throws Exception {
        long t = rig.services.tickets().openOrReuse(TicketSource.PHONE, "+12045550123", "Jane Doe", "Acme Ltd",
                java.time.Duration.ZERO).id();
        WebRig.Browser tess = rig.new Browser().staff("Tess Tech");
        assertFalse(tess.get("/console/tickets/" + t).body().contains("mail-thread"));
        assertEquals(303, tess.submit("/console/tickets/" + t + "/reply", Map.of("text", "We will call you.")).statusCode());
        assertTrue(outbox().isEmpty());
    }
}
