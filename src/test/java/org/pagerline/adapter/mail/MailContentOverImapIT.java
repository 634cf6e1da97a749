package org.pagerline.adapter.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.mail.ThreadEntry;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MailRig;

/** What people's mail programs actually send, read over real IMAP (GreenMail) into tickets. */
class MailContentOverImapIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String FACTS = "Name: Jane Smith\nCompany: Acme Ltd\nPhone: +1 204 555 0123\n";

    @TempDir
    Path dir;
    MailRig rig;

    @BeforeEach
    void start() {
        rig = new MailRig(dir).configure(Map.of("mail.attachment-max-size", "1k"));
        rig.start();
    }

    @AfterEach
    void close() {
        rig.close();
    }

    Ticket awaitTicket() {
        Eventually.await(WAIT, "a ticket", () -> !rig.tickets.list(10).isEmpty());
        return rig.tickets.list(10).get(0);
    }

    List<TicketEvent> events(long id) {
        return rig.tickets.show(id).events();
    }

    String firstIncomingBody(long ticketId) {
        return rig.intake.thread(ticketId).messages().stream().filter(ThreadEntry::incoming).findFirst().orElseThrow().body();
    }

    @Test
    void htmlOnlyMailBecomesText() {
        rig.deliver("""
                From: jane@acme.test
                Subject: VPN
                Message-ID: <html-1@customer.test>
                MIME-Version: 1.0
                Content-Type: text/html; charset=UTF-8

                <html><head><style>p{color:red}</style><script>alert(1)</script></head><body>
                <p>Name: Jane Smith<br>Company: Acme Ltd<br>Phone: +1 204 555 0123</p>
                <p>The <b>VPN</b> refuses my password since&nbsp;Monday.</p></body></html>
                """);
        Ticket t = awaitTicket();
        assertEquals("Jane Smith", t.callerName());
        String body = firstIncomingBody(t.id());
        assertTrue(body.contains("The VPN refuses my password since Monday."), body);
        assertFalse(body.contains("<"), body);
        assertFalse(body.contains("alert"), body);
        assertFalse(body.contains("color"), body);
    }

    @Test
    void multipartAlternativeIsReadFromItsPlainTextPart() {
        rig.deliver("""
                From: jane@acme.test
                Subject: VPN
                Message-ID: <alt-1@customer.test>
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary="ALT"

                --ALT
                Content-Type: text/plain; charset=UTF-8

                %sThe VPN refuses my password (plain part).
                --ALT
                Content-Type: text/html; charset=UTF-8

                <p>The VPN refuses my password (html part).</p>
                --ALT--
                """.formatted(FACTS));
        Ticket t = awaitTicket();
        String body = firstIncomingBody(t.id());
        assertTrue(body.contains("(plain part)"), body);
        assertFalse(body.contains("(html part)"), body);
    }

    @Test
    void bodiesAndSubjectsInOtherCharsetsAreDecoded() {
        String text = "Name: Amélie Gagnon\nCompany: Boulangerie Côté\nPhone: +1 204 555 0170\nLe serveur de fichiers ne répond plus, l'écran affiche « accès refusé ».\n";
        byte[] latin = text.getBytes(StandardCharsets.ISO_8859_1);
        String headers = "From: =?ISO-8859-1?Q?Am=E9lie_Gagnon?= <amelie@cote.test>\r\n"
                + "Subject: =?UTF-8?B?" + Base64.getEncoder().encodeToString("Serveur en panne – accès".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
                + "Message-ID: <latin-1@customer.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        byte[] raw = concat(headers.getBytes(StandardCharsets.US_ASCII), latin);
        rig.deliver(raw);
        Ticket t = awaitTicket();
        assertEquals("Amélie Gagnon", t.callerName());
        assertEquals("Boulangerie Côté", t.company());
        assertTrue(t.summary().startsWith("Serveur en panne – accès: "), t.summary());
        assertTrue(firstIncomingBody(t.id()).contains("« accès refusé »"), firstIncomingBody(t.id()));
    }

    @Test
    void aShiftJisBodyAndAnUnlabelledWindows1252BodyAreBothRead() {
        String jp = FACTS + "プリンターが動きません。紙詰まりです。\n";
        rig.deliver(concat(("From: jane@acme.test\r\nSubject: printer\r\nMessage-ID: <sjis-1@customer.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                jp.getBytes(Charset.forName("Shift_JIS"))));
        Ticket t = awaitTicket();
        assertTrue(firstIncomingBody(t.id()).contains("プリンターが動きません"), firstIncomingBody(t.id()));

        // no charset declared, 8-bit Windows-1252 bytes (curly quotes, é): not valid UTF-8, read as Windows-1252
        String cp = FACTS + "The “shared” drive is gone – café laptop too.\n";
        rig.deliver(concat(("From: bob@acme.test\r\nSubject: drive\r\nMessage-ID: <cp1252-1@customer.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                cp.getBytes(Charset.forName("windows-1252"))));
        Eventually.await(WAIT, "two tickets", () -> rig.tickets.list(10).size() == 2);
        Ticket second = rig.tickets.list(10).get(0);
        assertTrue(firstIncomingBody(second.id()).contains("The “shared” drive is gone – café laptop too."), firstIncomingBody(second.id()));
    }

    @Test
    void attachmentsAreKeptBesideTheTicketAndTooLargeOnesAreNamedOnIt() throws Exception {
        byte[] small = "log line 1\nlog line 2\n".getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[4096];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        rig.deliver("""
                From: jane@acme.test
                Subject: Crash logs
                Message-ID: <att-1@customer.test>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="MIX"

                --MIX
                Content-Type: text/plain; charset=UTF-8

                %sThe accounting program crashes on start; logs attached.
                --MIX
                Content-Type: text/plain; name="crash.log"
                Content-Disposition: attachment; filename="../../crash.log"
                Content-Transfer-Encoding: base64

                %s
                --MIX
                Content-Type: image/png; name="screen.png"
                Content-Disposition: attachment; filename="screen.png"
                Content-Transfer-Encoding: base64

                %s
                --MIX--
                """.formatted(FACTS, Base64.getMimeEncoder().encodeToString(small), Base64.getMimeEncoder().encodeToString(big)));
        Ticket t = awaitTicket();
        List<String[]> att = rig.intake.thread(t.id()).attachments();
        assertEquals(2, att.size());
        assertEquals("../../crash.log", att.get(0)[0]);
        Path kept = Path.of(att.get(0)[2]);
        assertTrue(kept.startsWith(rig.attachments), kept + " is under " + rig.attachments);
        assertEquals("crash.log", kept.getFileName().toString());
        assertArrayEquals(small, Files.readAllBytes(kept));
        assertEquals("screen.png", att.get(1)[0]);
        assertNull(att.get(1)[2]);
        assertEquals("4096", att.get(1)[1]);
        assertTrue(events(t.id()).stream().anyMatch(e -> e.kind().equals("ATTACHMENT_REFUSED") && e.detail().startsWith("screen.png (4096 bytes)")),
                events(t.id()).toString());
        assertTrue(events(t.id()).stream().anyMatch(e -> e.kind().equals("ATTACHMENT") && e.detail().startsWith("../../crash.log")));
    }

    @Test
    void malformedMimeIsKeptFlaggedAndTheNextMessageIsStillRead() throws Exception {
        // a multipart whose boundary never appears, and a base64 part that is not base64
        rig.deliver("""
                From: jane@acme.test
                Subject: Broken mail
                Message-ID: <broken-1@customer.test>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="NEVER-USED"

                %sOur internet is down in the whole office.
                """.formatted(FACTS));
        rig.deliver("""
                From: bob@acme.test
                Subject: Broken base64
                Message-ID: <broken-2@customer.test>
                MIME-Version: 1.0
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: base64

                %s!!!! this is not base64 @@@@
                """.formatted(Base64.getMimeEncoder().encodeToString((FACTS + "Wifi keeps dropping.\n").getBytes(StandardCharsets.UTF_8))));
        rig.deliver(EmailIntakeOverImapIT.mail("carol@acme.test", "Fine mail", FACTS + "A normal message after the broken ones.\n"));
        Eventually.await(WAIT, "the fine mail answered", () -> !rig.sentTo("carol@acme.test").isEmpty());
        String[] first = rig.outcomeOf("Broken mail");
        assertNotNull(first[0], "the broken message is recorded");
        assertTrue(first[1] != null && first[1].startsWith("MALFORMED"), first[1]);
        String[] second = rig.outcomeOf("Broken base64");
        assertNotNull(second[0]);
        assertTrue(second[1] != null && second[1].startsWith("MALFORMED"), second[1]);
        // the raw message is kept as sent
        try (var files = Files.walk(rig.attachments)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("message.eml")));
        }
        Ticket broken = rig.tickets.list(10).stream().filter(t -> t.summary() != null && t.summary().startsWith("Broken mail"))
                .findFirst().orElseThrow(() -> new AssertionError("no ticket for the broken mail: " + rig.tickets.list(10)));
        assertTrue(events(broken.id()).stream().anyMatch(e -> e.kind().equals("MAIL_MALFORMED")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
