package org.pagerline.core.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which senders may ever be answered (RFC 3834 and the usual marks of robots). */
class MailKindTest {
    private static InboundMail mail(String from, String returnPath, String autoSubmitted, String precedence, String listId,
            String other, boolean report) {
        return new InboundMail("<a@b>", from, null, "s", List.of(), returnPath, autoSubmitted, precedence, listId, other, report, "",
                List.of(), null, null, null);
    }

    @Test
    void aPersonMayBeAnswered() {
        assertEquals(MailKind.PERSON, MailKind.of(mail("jane@acme.test", "<jane@acme.test>", null, null, null, null, false), "help@desk.test"));
        assertEquals(MailKind.PERSON, MailKind.of(mail("jane@acme.test", null, "no", null, null, null, false), "help@desk.test"));
    }

    @Test
    void robotsListsBouncesAndOurselvesAreNever() {
        String desk = "help@desk.test";
        assertEquals(MailKind.AUTOMATIC, MailKind.of(mail("a@x.test", null, "auto-replied", null, null, null, false), desk));
        assertEquals(MailKind.AUTOMATIC, MailKind.of(mail("a@x.test", null, "auto-generated", null, null, null, false), desk));
        assertEquals(MailKind.AUTOMATIC, MailKind.of(mail("a@x.test", null, null, null, null, "X-Autoreply", false), desk));
        assertEquals(MailKind.BULK, MailKind.of(mail("a@x.test", null, null, "bulk", null, null, false), desk));
        assertEquals(MailKind.BULK, MailKind.of(mail("a@x.test", null, null, "junk", null, null, false), desk));
        assertEquals(MailKind.BULK, MailKind.of(mail("a@x.test", null, null, "list", null, null, false), desk));
        assertEquals(MailKind.BULK, MailKind.of(mail("a@x.test", null, null, null, "<l.x.test>", null, false), desk));
        assertEquals(MailKind.BOUNCE, MailKind.of(mail("a@x.test", "", null, null, null, null, false), desk));
        assertEquals(MailKind.BOUNCE, MailKind.of(mail("mailer-daemon@x.test", null, null, null, null, null, false), desk));
        assertEquals(MailKind.BOUNCE, MailKind.of(mail("postmaster@x.test", null, null, null, null, null, false), desk));
        assertEquals(MailKind.BOUNCE, MailKind.of(mail("a@x.test", null, "auto-replied", null, null, null, true), desk));
        assertEquals(MailKind.OWN, MailKind.of(mail("Help@Desk.test", null, null, null, null, null, false), desk));
    }
}
