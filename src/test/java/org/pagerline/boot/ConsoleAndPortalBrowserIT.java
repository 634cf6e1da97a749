package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.boot.E2eServer.CALLER;
import static org.pagerline.boot.E2eServer.LEE;
import static org.pagerline.boot.E2eServer.PAT;
import static org.pagerline.boot.E2eServer.SAM;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.directory.Client;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.ticket.TicketState;
import org.pagerline.core.web.StaffRole;
import org.pagerline.service.web.Passwords;
import org.pagerline.testkit.Chromium;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.Ports;

/**
 * The console and the portal in a real Chromium (Debian's, headless, through Selenium), against
 * the whole server ({@link E2eServer}: FastAGI callers, Twilio faked over HTTP). Live views are
 * checked without a reload: a marker set in the page's JavaScript must survive the update.
 * Screenshots of each page go to target/screenshots/.
 */
@Timeout(120)
class ConsoleAndPortalBrowserIT {
    static final String PASSWORD = "pat's long password";
    @TempDir
    Path dir;
    @TempDir
    Path profile;
    E2eServer e;
    ChromeDriver browser;
    String base;
    Path recordings;

    @BeforeEach
    void start() throws Exception {
        Chromium.assumeInstalled();
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        recordings = Files.createDirectories(dir.resolve("recordings"));
        e = E2eServer.start(dir.resolve("data"), E2eServer.Voice.TWILIO, Map.of("http.port", Integer.toString(port),
                "http.public-url", base, "line.recordings-dir", recordings.toString()));
        e.services().web().staff().add("Pat", StaffRole.TECH, new Passwords().hash(PASSWORD.toCharArray()));
        browser = Chromium.start(profile);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (e != null) {
            e.close();
        }
    }

    private WebDriverWait waiting() {
        // a form's post loads the next page: an element read meanwhile may be of the old one
        return (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private void signInAsPat() {
        browser.get(base + "/console");
        assertTrue(browser.getCurrentUrl().endsWith("/console/signin"), browser.getCurrentUrl());
        Chromium.screenshot(browser, "console-signin");
        browser.findElement(By.id("name")).sendKeys("Pat");
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("signin")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/console"));
        browser.executeScript("window.__notReloaded = 42;");
    }

    /** Jane (Acme's contact, jane@acme.example) asks for a sign-in link; with no mail configured it comes by SMS. */
    private void signInToThePortalAsJane() {
        browser.get(base + "/portal");
        assertTrue(browser.getCurrentUrl().endsWith("/portal/signin"), browser.getCurrentUrl());
        browser.findElement(By.id("email")).sendKeys("jane@acme.example");
        browser.findElement(By.id("send-link")).click();
        waiting().until(d -> !d.findElements(By.id("link-sent")).isEmpty());
        Chromium.screenshot(browser, "portal-signin");
        String text = e.phone(CALLER).expectSms("sign in").text();
        Matcher m = Pattern.compile("(http://\\S+/portal/link/\\S+)").matcher(text);
        assertTrue(m.find(), text);
        browser.get(m.group(1));
        browser.findElement(By.id("use-link")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/portal"));
    }

    @Test
    void aClientAsksForADesktopProjectOnThePortalAndTheConsoleShowsItsOneBusinessDay() throws Exception {
        Client jane = e.services().clients().list().get(0);
        e.services().web().emails().set(Long.toString(jane.id()), "jane@acme.example");
        signInToThePortalAsJane();
        browser.findElement(By.id("new-ticket")).click();
        // her name and number come filled in from the client directory
        browser.findElement(By.id("description")).sendKeys("Set up a PC for our new hire, Monday.");
        browser.findElement(By.id("priority-PROJECT")).click();
        Chromium.screenshot(browser, "portal-new-project");
        browser.findElement(By.id("submit-ticket")).click();
        waiting().until(d -> d.getCurrentUrl().matches(".*/portal/tickets/\\d+"));
        long ticket = Long.parseLong(browser.getCurrentUrl().replaceAll(".*/", ""));
        assertEquals("desktop project request", browser.findElement(By.id("portal-priority")).getText());
        assertTrue(browser.findElement(By.id("portal-timeline")).getText().contains("a desktop project request, done by "),
                browser.findElement(By.id("portal-timeline")).getText());

        var d = e.services().tickets().detail(ticket);
        assertTrue(d.project());
        assertNull(d.ticket().priority());
        var resolve = d.clocks().stream().filter(k -> k.kind() == org.pagerline.core.ticket.ClockKind.RESOLVE)
                .findFirst().orElseThrow();
        assertEquals(org.pagerline.core.ticket.ServiceLevels.PROJECT_WORDS, resolve.target());
        assertTrue(d.clocks().stream().noneMatch(k -> k.kind() == org.pagerline.core.ticket.ClockKind.RESPOND),
                "nobody need call back for a project: " + d.clocks());

        signInAsPat();
        browser.get(base + "/console/tickets/" + ticket);
        assertTrue(browser.findElement(By.id("ticket-priority")).getText().startsWith("desktop project request"),
                browser.findElement(By.id("ticket-priority")).getText());
        assertTrue(browser.getPageSource().contains("done within one business day"));
        Chromium.screenshot(browser, "console-ticket-project");
    }

    private void assertNotReloaded() {
        assertEquals(42L, browser.executeScript("return window.__notReloaded;"), "the page was reloaded");
    }

    @Test
    void aTechnicianSeesAnUrgentCallArriveLiveAcknowledgesItThereAndThePagesStop() throws Exception {
        signInAsPat();
        Chromium.screenshot(browser, "console-desk-empty");

        Conversation call = e.urgentVoicemail();
        long ticket = E2eServer.ticketOf(call);
        long n = e.incidentOn(ticket).id();
        waiting().until(d -> !d.findElements(By.id("incident-" + n)).isEmpty());
        assertNotReloaded();

        // the paging SMS carries the incident page's address
        FakePhone pat = e.phone(PAT);
        FakePhone sam = e.phone(SAM);
        String sms = pat.expectSms("Reply " + n + "a").text();
        assertTrue(sms.contains(base + "/console/incidents/" + n), sms);
        sam.expectSms("Reply " + n + "a");
        pat.expectCall();
        sam.expectCall();

        // a caller joins the queue: the queue view changes without a reload
        e.services().queue().callerJoined("uid-77", "helpdesk", "+12045550177", "Quinn Queue", 1);
        waiting().until(d -> d.findElement(By.id("queue")).getText().contains("Quinn Queue"));
        assertNotReloaded();
        Chromium.screenshot(browser, "console-desk-live");

        browser.findElement(By.cssSelector("#incident-" + n + " button.ack")).click();
        waiting().until(d -> e.incident(n).state() == IncidentState.ACKNOWLEDGED);
        waiting().until(d -> d.findElement(By.id("flash")).getText().contains("acknowledged by Pat"));
        assertEquals("Pat", e.incident(n).ownerName());
        assertTrue(E2eServer.timeline(e.ticket(ticket)).contains("Pat acknowledged incident " + n + " by the console"),
                E2eServer.timeline(e.ticket(ticket)));
        sam.expectSms("Pat took incident " + n);
        // the pages stop: no team lead at 5 minutes, no VP, no new cycle
        e.after(Duration.ofMinutes(5));
        e.after(Duration.ofMinutes(15));
        e.expectNothingElse();
        assertTrue(e.requests("Messages", LEE).isEmpty(), "the team lead was paged after the acknowledgement");

        // the ticket page plays the caller's message
        String rec = e.incident(n).recording();
        Files.write(Path.of(rec + ".wav"), silence(1));
        browser.get(base + "/console/tickets/" + ticket);
        waiting().until(d -> ((Number) ((ChromeDriver) d).executeScript(
                "var a = document.querySelector('audio.recording'); return a ? a.readyState : -1;")).intValue() >= 1);
        Chromium.screenshot(browser, "console-ticket");
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(base + "/console/incidents/" + n);
        Chromium.screenshot(browser, "console-incident-phone");
    }

    @Test
    void aClientSignsInByLinkFilesATicketAndItAppearsOnTheConsoleWithoutReload() throws Exception {
        Client jane = e.services().clients().list().get(0);
        e.services().web().emails().set(Long.toString(jane.id()), "jane@acme.example");
        signInAsPat();
        String console = browser.getWindowHandle();

        browser.switchTo().newWindow(WindowType.TAB);
        String portal = browser.getWindowHandle();
        signInToThePortalAsJane();
        browser.findElement(By.id("new-ticket")).click();
        browser.findElement(By.id("description")).sendKeys("The office printer prints blank pages.");
        browser.findElement(By.id("priority-P4")).click();
        // a phone photo over the portal's 5 MB: refused in words, on the form, with what she wrote kept
        Path photo = Files.write(dir.resolve("printer.jpg"), new byte[6 * 1024 * 1024]);
        browser.findElement(By.id("files")).sendKeys(photo.toString());
        browser.findElement(By.id("submit-ticket")).click();
        waiting().until(d -> d.getPageSource().contains("larger than 5 MB"));
        assertTrue(browser.getPageSource().contains("printer.jpg"), "the refusal names the file");
        assertEquals("The office printer prints blank pages.", browser.findElement(By.id("description")).getAttribute("value"));
        browser.findElement(By.id("priority-P4")).click();
        Path file = Files.writeString(dir.resolve("error-log.txt"), "E-1234 fuser");
        browser.findElement(By.id("files")).sendKeys(file.toString());
        Chromium.screenshot(browser, "portal-new-ticket");
        browser.findElement(By.id("submit-ticket")).click();
        waiting().until(d -> d.getCurrentUrl().matches(".*/portal/tickets/\\d+"));
        long ticket = Long.parseLong(browser.getCurrentUrl().replaceAll(".*/", ""));
        assertTrue(browser.findElement(By.id("portal-flash")).getText().contains("within 6 hours"));
        assertTrue(browser.getPageSource().contains("error-log.txt"));
        Chromium.screenshot(browser, "portal-ticket");
        assertEquals("PORTAL", e.ticket(ticket).ticket().source().name());

        browser.switchTo().window(console);
        waiting().until(d -> !d.findElements(By.cssSelector("#ticket-list a[href='/console/tickets/" + ticket + "']"))
                .isEmpty());
        assertNotReloaded();
        Chromium.screenshot(browser, "console-desk-portal-ticket");
        // the list shows the ticket's state and its own contact clock (six business hours)
        String row = browser.findElement(By.xpath("//table[@id='ticket-list']//a[@href='/console/tickets/" + ticket
                + "']/ancestor::tr")).getText();
        assertTrue(row.contains("new") && row.contains("contact by"), row);
        var contact = e.services().tickets().detail(ticket).clocks().stream()
                .filter(k -> k.kind() == org.pagerline.core.ticket.ClockKind.CONTACT).findFirst().orElseThrow();
        assertEquals(org.pagerline.core.ticket.ClockState.RUNNING, contact.state());

        // Pat puts it to wait on the customer; Jane's reply on the portal resumes it
        browser.get(base + "/console/tickets/" + ticket);
        browser.findElement(By.cssSelector("form[action$='/wait'] input[name='text']")).sendKeys("which printer?");
        browser.findElement(By.id("wait")).click();
        waiting().until(d -> d.findElement(By.id("ticket-status")).getText().equals("waiting on customer"));
        assertEquals(TicketState.WAITING_ON_CUSTOMER, e.services().tickets().detail(ticket).state());
        browser.findElement(By.id("wait")).click();
        waiting().until(d -> d.findElement(By.id("flash")).getText().contains("already waiting on the customer"));

        browser.switchTo().window(portal);
        browser.get(base + "/portal/tickets/" + ticket);
        browser.findElement(By.id("portal-reply")).sendKeys("The HP on the second floor.");
        browser.findElement(By.id("send-reply")).click();
        waiting().until(d -> d.findElement(By.id("portal-state")).getText().equals("in progress"));
        assertEquals(TicketState.IN_PROGRESS, e.services().tickets().detail(ticket).state());
        assertTrue(browser.findElement(By.id("portal-timeline")).getText().contains("The HP on the second floor."));
    }

    @Test
    void anAdminEditsATechnicianAndATechnicianReadsAndAnswersAnEmailTicketsThread() throws Exception {
        e.services().web().staff().add("Ada", StaffRole.ADMIN, new Passwords().hash(PASSWORD.toCharArray()));
        browser.get(base + "/console/signin");
        browser.findElement(By.id("name")).sendKeys("Ada");
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("signin")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/console"));
        browser.get(base + "/console/admin");
        long sam = e.services().roster().technician("Sam").id();
        browser.findElement(By.cssSelector("#tech-" + sam + " summary")).click();
        var phone = browser.findElement(By.cssSelector("#tech-" + sam + " input[name='phone']"));
        phone.clear();
        phone.sendKeys(PAT); // Pat's number: refused as tech set refuses it
        browser.findElement(By.cssSelector("#tech-" + sam + " button.tech-save")).click();
        waiting().until(d -> d.findElement(By.id("admin-flash")).getText().contains("is already the phone of technician"));
        assertEquals(SAM, e.services().roster().technician("Sam").phone());
        browser.findElement(By.cssSelector("#tech-" + sam + " summary")).click();
        var email = browser.findElement(By.cssSelector("#tech-" + sam + " input[name='email']"));
        email.clear();
        email.sendKeys("sam@desk.example");
        Chromium.screenshot(browser, "console-admin-edit-technician");
        browser.findElement(By.cssSelector("#tech-" + sam + " button.tech-save")).click();
        waiting().until(d -> d.findElement(By.id("admin-flash")).getText().contains("email sam@desk.example"));
        assertEquals("sam@desk.example", e.services().roster().technician("Sam").email());
        assertEquals(SAM, e.services().roster().technician("Sam").phone());
        browser.findElement(By.cssSelector("form[action='/console/signout'] button")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/console/signin"));

        String raw = "From: Jane Doe <jane@acme.example>\r\nTo: help@desk.test\r\nSubject: Printer jammed\r\n"
                + "Message-ID: <b-1@acme.example>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                + "Name: Jane Doe\r\nCompany: Acme Ltd\r\nPhone: +1 204 555 0123\r\nThe printer on floor 2 shows a paper jam.\r\n";
        long ticket = e.services().mail().handleRaw(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)).ticketId();
        signInAsPat();
        browser.get(base + "/console/tickets/" + ticket);
        String thread = browser.findElement(By.id("mail-thread")).getText();
        assertTrue(thread.contains("Printer jammed") && thread.contains("paper jam"), thread);
        browser.findElement(By.id("reply-text")).sendKeys("Open the side door and pull the sheet out.");
        browser.findElement(By.id("reply")).click();
        waiting().until(d -> d.findElement(By.id("flash")).getText().contains("emailed to jane@acme.example"));
        waiting().until(d -> d.findElements(By.cssSelector("#mail-thread li.mail-out")).stream()
                .anyMatch(li -> li.getText().contains("Open the side door")));
        Chromium.screenshot(browser, "console-ticket-email-thread");
    }

    /** {@code seconds} of 8 kHz 16-bit mono silence as a WAV file (what Asterisk records). */
    static byte[] silence(int seconds) {
        int samples = 8000 * seconds;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples * 2).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(samples * 2);
        return b.array();
    }
}
