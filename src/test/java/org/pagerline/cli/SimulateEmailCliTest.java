package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.service.Services;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/** {@code pagerline simulate email} drives the same intake as the mailbox; {@code ticket show} lists the thread. */
class SimulateEmailCliTest {
    @TempDir
    Path dir;
    TestDatabase db;
    Services services;
    final MutableClock clock = MutableClock.at("2026-12-02T14:00:00Z");

    @BeforeEach
    void setUp() {
        db = TestDatabase.fileIn(dir.resolve("db"));
        services = org.pagerline.boot.Wiring.services(org.pagerline.config.PagerlineConfig.from(org.pagerline.config.Settings.ofMap(
                java.util.Map.of("data.dir", dir.resolve("data").toString(), "mail.address", "help@desk.test",
                        "mail.attachments-dir", dir.resolve("att").toString()))), db.transactions(), clock, new org.pagerline.service.EngineKick());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void anIncompleteMailIsAnsweredWithWhatIsMissingThenTheReplyOpensATicketShownWithItsThread() throws Exception {
        CliHarness.Result r = CliHarness.run(services, "simulate", "email", "--from", "Jane Smith <jane@acme.test>", "--subject",
                "Printer jammed", "--body-file", file("a.txt", "Name: Jane Smith\nThe printer on floor 2 is jammed.\n").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(": facts asked"), r.out());
        assertTrue(r.out().contains("- your company\n- a phone number we can call you back on\n"), r.out());
        String ours = r.out().replaceAll("(?s).*\\(Message-ID (<[^>]+>)\\).*", "$1");

        r = CliHarness.run(services, "simulate", "email", "--from", "jane@acme.test", "--subject", "Re: Printer jammed",
                "--in-reply-to", ours, "--body-file", file("b.txt", "Company: Acme Ltd\nPhone: 204 555 0123\n").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(": ticket opened, ticket 1"), r.out());
        assertTrue(r.out().contains("within 6 hours"), r.out());

        r = CliHarness.run(services, "ticket", "show", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("email     jane@acme.test, acknowledge by"), r.out());
        assertTrue(r.out().contains("email thread:"), r.out());
        assertTrue(r.out().contains("from jane@acme.test  Re: Printer jammed"), r.out());
        assertTrue(r.out().contains("to   jane@acme.test  Re: Printer jammed [#1] (pending)"), r.out());
        r = CliHarness.run(services, "ticket", "show", "1", "--json");
        assertTrue(r.out().contains("\"emails\""), r.out());
        assertTrue(r.out().contains("\"ackDue\" : \"2026-12-02T20:00:00Z\""), r.out());
    }

    @Test
    void anHtmlBodyFileIsReadAsHtml() throws Exception {
        CliHarness.Result r = CliHarness.run(services, "simulate", "email", "--from", "jane@acme.test", "--subject", "VPN",
                "--body-file", file("m.html", "<p>Name: Jane Smith<br>Company: Acme<br>Phone: +12045550123</p><p>VPN refuses my password</p>")
                        .toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("ticket opened"), r.out());
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() throws Exception {
        CliHarness.Result r = CliHarness.run(services, "simulate", "email", "--from", "not-an-address", "--body-file",
                file("a.txt", "x").toString());
        assertEquals(2, r.exit());
        assertEquals("error: --from 'not-an-address' is not an email address such as jane@acme.example", r.err().strip());
        r = CliHarness.run(services, "simulate", "email", "--from", "jane@acme.test", "--body-file", dir.resolve("missing.txt").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("error: --body-file "), r.err());
        assertFalse(r.err().strip().contains("\n"), r.err());
        assertTrue(services.tickets().list(10).isEmpty());
    }

    @Test
    void aClientContactGetsAnEmailAddress() throws Exception {
        assertEquals(0, CliHarness.run(services, "client", "add", "--company", "Acme Ltd", "--contact", "Ann Lee", "--phone",
                "+12045550177").exit());
        CliHarness.Result r = CliHarness.run(services, "client", "email", "1", "Ann@Acme.test");
        assertEquals(0, r.exit(), r.err());
        r = CliHarness.run(services, "simulate", "email", "--from", "ann@acme.test", "--subject", "printer", "--body-file",
                file("a.txt", "Jammed again.\n").toString());
        assertTrue(r.out().contains("ticket opened, ticket 1"), r.out());
        assertEquals(2, CliHarness.run(services, "client", "email", "1", "nope").exit());
        assertEquals(2, CliHarness.run(services, "client", "email", "99", "a@b.test").exit());
    }

    @Test
    void aCompanyLongerThanTheTicketKeepsStillOpensATicket() throws Exception {
        String company = "Acme " + "Very Long Holdings ".repeat(20);
        CliHarness.Result r = CliHarness.run(services, "simulate", "email", "--from", "jane@acme.test", "--subject", "VPN down",
                "--body-file", file("a.txt", "Name: Jane Smith\nCompany: " + company + "\nPhone: +12045550123\nThe VPN refuses my password.\n")
                        .toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("ticket opened, ticket 1"), r.out());
        assertTrue(services.tickets().find(1).company().startsWith("Acme Very Long Holdings"));
    }

    @Test
    void aMailOnFridayAfternoonIsPromisedTheContactClocksDueInstantOnMonday() throws Exception {
        clock.set(java.time.Instant.parse("2026-12-04T22:00:00Z")); // Fri 16:00 CST; the desk is Mon-Fri 08-17
        CliHarness.Result r = CliHarness.run(services, "simulate", "email", "--from", "jane@acme.test", "--subject", "VPN down",
                "--body-file", file("a.txt", "Name: Jane Smith\nCompany: Acme\nPhone: +12045550123\nThe VPN refuses my password.\n")
                        .toString());
        assertEquals(0, r.exit(), r.err());
        // 1 business hour on Friday, 5 on Monday: the mail and the ticket's contact clock name the same instant
        assertTrue(r.out().contains("A technician will contact you by Mon 2026-12-07 13:00 CST (within 6 hours of business time)."),
                r.out());
        r = CliHarness.run(services, "ticket", "show", "1");
        assertTrue(r.out().contains("contact  running   due Mon 2026-12-07 13:00 CST"), r.out());
    }
}
