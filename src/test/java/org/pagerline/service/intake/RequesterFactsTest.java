package org.pagerline.service.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The facts the desk needs, read from the ways people actually write them. */
class RequesterFactsTest {

    @Test
    void labelledLinesGiveEveryFact() {
        RequesterFacts f = RequesterFacts.parse("Printer", """
                Hello,

                Name: Jane Smith
                Company: Acme Ltd
                Phone: (204) 555-0123

                The printer on the 2nd floor shows a paper jam and prints nothing.
                """, "CA");
        assertEquals("Jane Smith", f.name());
        assertEquals("Acme Ltd", f.company());
        assertEquals(List.of("+12045550123"), f.phones());
        assertEquals("The printer on the 2nd floor shows a paper jam and prints nothing.", f.description());
        assertTrue(f.complete());
    }

    @Test
    void freeTextAndASignatureBlockGiveEveryFact() {
        RequesterFacts f = RequesterFacts.parse("Outlook keeps crashing", """
                Hi team,

                My name is Robert Tremblay from Northwind Traders. Outlook crashes every time I open the calendar.

                Thanks,
                Robert Tremblay
                Office Manager
                Northwind Traders
                Tel 204-555-0187 | Mobile +1 431 555 0142
                """, "CA");
        assertEquals("Robert Tremblay", f.name());
        assertEquals("Northwind Traders", f.company());
        assertEquals(List.of("+12045550187", "+14315550142"), f.phones());
        assertTrue(f.description().startsWith("My name is Robert Tremblay"), f.description());
    }

    @Test
    void aSignatureAfterTheDelimiterCounts() {
        RequesterFacts f = RequesterFacts.parse("", """
                Our shared drive is gone since this morning, nobody can open the S: drive.

                --\040
                Amélie Gagnon
                Boulangerie Gagnon inc.
                +1 204 555 0170
                """, "CA");
        assertEquals("Amélie Gagnon", f.name());
        assertEquals("Boulangerie Gagnon inc.", f.company());
        assertEquals(List.of("+12045550170"), f.phones());
        assertTrue(f.complete());
    }

    @Test
    void whatIsMissingIsNamedAndOnlyThat() {
        RequesterFacts f = RequesterFacts.parse("help", "Name: Jane Smith\nMy laptop will not start after the update.\n", "CA");
        assertEquals(List.of(RequesterFacts.Missing.COMPANY, RequesterFacts.Missing.PHONE), f.missing());
    }

    @Test
    void aFirstNameAloneIsNotAFullName() {
        RequesterFacts f = RequesterFacts.parse("x", "Name: Jane\nCompany: Acme\nPhone: +12045550123\nThe VPN refuses my password.", "CA");
        assertEquals(List.of(RequesterFacts.Missing.NAME), f.missing());
    }

    @Test
    void quotedTextOfEarlierMessagesIsNotRead() {
        RequesterFacts f = RequesterFacts.parse("Re: your request", """
                Company: Acme Ltd

                On Tue, Dec 1, 2026 at 10:00 Help desk <help@desk.test> wrote:
                > Name: Jane Smith
                > Phone: +1 204 555 0123
                """, "CA");
        assertNull(f.name());
        assertEquals(List.of(), f.phones());
        assertEquals("Acme Ltd", f.company());
    }

    @Test
    void aReplyFillsTheGapsOfTheFirstMessage() {
        RequesterFacts first = RequesterFacts.parse("Email down", "Name: Jane Smith\nNo mail has arrived since 9 this morning.", "CA");
        RequesterFacts reply = RequesterFacts.parse("Re: Email down", "Company: Acme Ltd\nPhone: 204 555 0123", "CA");
        RequesterFacts both = first.plus(reply);
        assertTrue(both.complete(), both.missing().toString());
        assertEquals("No mail has arrived since 9 this morning.", both.description());
    }

    @Test
    void aDescriptionInAScriptWithoutSpacesCounts() {
        RequesterFacts f = RequesterFacts.parse("", "Name: Jane Smith\nCompany: Acme\nPhone: +12045550123\nプリンターが動きません。紙詰まりです。", "CA");
        assertTrue(f.complete(), f.missing().toString());
    }

    @Test
    void twoWordsAreNotADescription() {
        RequesterFacts f = RequesterFacts.parse("", "Name: Jane Smith\nCompany: Acme\nPhone: +12045550123\nPlease help", "CA");
        assertEquals(List.of(RequesterFacts.Missing.DESCRIPTION), f.missing());
    }

    @Test
    void aSubjectAskingForADesktopProjectIsAProjectRequest() {
        org.junit.jupiter.api.Assertions.assertTrue(RequesterFacts.projectRequest("Desktop project request: PC for Sam"));
        org.junit.jupiter.api.Assertions.assertTrue(RequesterFacts.projectRequest("Re: [#12] project request - move two desks"));
        org.junit.jupiter.api.Assertions.assertTrue(RequesterFacts.projectRequest("PROJECT REQUEST"));
        org.junit.jupiter.api.Assertions.assertTrue(RequesterFacts.projectRequest("[EXTERNAL] Project request: laptop for Sam"),
                "a mail system's tag before it");
        org.junit.jupiter.api.Assertions.assertFalse(RequesterFacts.projectRequest("Printer jammed"));
        org.junit.jupiter.api.Assertions.assertFalse(RequesterFacts.projectRequest("Our project requests keep failing"),
                "words about a project are not a request for one");
        org.junit.jupiter.api.Assertions.assertFalse(RequesterFacts.projectRequest(null));
    }
}
