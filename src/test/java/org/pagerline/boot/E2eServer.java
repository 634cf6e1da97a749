package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pagerline.cli.Backend;
import org.pagerline.cli.Cli;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.page.Page;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.ClientService;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TicketService;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.FakeAsterisk;
import org.pagerline.testkit.FakePhone;
import org.pagerline.testkit.FakeTwilio;
import org.pagerline.testkit.MutableClock;

/**
 * The whole server as {@code pagerline server} builds it ({@link Wiring#server}), in-process, with
 * every peer faked over its real protocol: callers through {@link FakeAsterisk} on the FastAGI
 * socket, SMS (and voice, or AMI Originate) through {@link FakeTwilio} / {@link FakeAmi}, replies
 * as signed webhooks on the HTTP port. The clock is a {@link MutableClock}: a test moves it and
 * runs the engine pass ({@link #after}) exactly as a Quartz wake-up would, never sleeping.
 *
 * <p>The desk: Pat primary, Sam secondary, Lee team lead, Val VP of service; Jane Doe of Acme Ltd
 * calls from {@link #CALLER}. Monday 23 Nov 2026, 21:00 in Winnipeg (out of hours: urgent any hour).
 */
final class E2eServer implements AutoCloseable {
    static final String START = "2026-11-23T21:00:00-06:00";
    static final String PAT = "+12045550101";
    static final String SAM = "+12045550102";
    static final String LEE = "+12045550103";
    static final String VAL = "+12045550104";
    static final String CALLER = "+12045550123";
    static final String PUBLIC_URL = "https://pager.example.com";

    /** How voice pages go out. */
    enum Voice { TWILIO, ASTERISK }

    final MutableClock clock = MutableClock.at(START);
    final FakeTwilio twilio;
    /** Null unless voice goes through Asterisk. */
    final FakeAmi ami;
    final PagerlineServer server;
    final int agiPort;
    final FakeAsterisk asterisk;

    private E2eServer(Path dir, Voice voice, Map<String, String> extra) throws IOException {
        twilio = FakeTwilio.start();
        FakeAmi fakeAmi = null;
        PagerlineServer s = null;
        try {
            agiPort = Ports.free();
            Map<String, String> file = new HashMap<>();
            file.put("data.dir", dir.toString());
            file.put("http.port", "0");
            file.put("agi.port", Integer.toString(agiPort));
            file.put("twilio.account-sid", FakeTwilio.ACCOUNT_SID);
            file.put("twilio.from-number", "+12045550100");
            file.put("twilio.public-url", PUBLIC_URL);
            file.put("twilio.api-url", twilio.apiUrl().toString());
            file.put("paging.sms-provider", "twilio");
            Map<String, String> env = new HashMap<>();
            env.put("PAGERLINE_TWILIO_AUTH_TOKEN", FakeTwilio.AUTH_TOKEN);
            if (voice == Voice.ASTERISK) {
                fakeAmi = new FakeAmi("pagerline", "ami-secret", "helpdesk").start();
                file.put("ami.enabled", "true");
                file.put("ami.port", Integer.toString(fakeAmi.port()));
                file.put("ami.reconnect-interval", "50ms");
                file.put("ami.reconnect-max", "200ms");
                file.put("paging.voice-provider", "asterisk");
                file.put("ami.page-caller-id", "\"Help desk\" <+12045550100>");
                env.put("PAGERLINE_AMI_PASSWORD", "ami-secret");
            } else {
                file.put("paging.voice-provider", "twilio");
            }
            file.putAll(extra);
            s = Wiring.server(PagerlineConfig.from(new Settings(file, env)), clock).start();
        } catch (RuntimeException e) {
            twilio.close();
            if (fakeAmi != null) {
                fakeAmi.close();
            }
            throw e;
        }
        ami = fakeAmi;
        server = s;
        twilio.webhooksTo(PUBLIC_URL, URI.create("http://127.0.0.1:" + server.httpPort()));
        asterisk = new FakeAsterisk("127.0.0.1", agiPort, Duration.ofSeconds(10),
                () -> server.services().calls().awaitSaved(Duration.ofSeconds(30)));
        desk();
        if (ami != null) {
            // real async I/O: the AMI login happens in the background after start
            Eventually.await(Duration.ofSeconds(10), "AMI up in /health", () -> health().contains("\"ami\":\"UP\""));
        }
    }

    static E2eServer start(Path dir, Voice voice) throws IOException {
        return new E2eServer(dir, voice, Map.of());
    }

    static E2eServer start(Path dir, Voice voice, Map<String, String> extra) throws IOException {
        return new E2eServer(dir, voice, extra);
    }

    private void desk() {
        RosterService roster = services().roster();
        for (var p : List.of(Map.entry(Role.PRIMARY, Map.entry("Pat", PAT)), Map.entry(Role.SECONDARY, Map.entry("Sam", SAM)),
                Map.entry(Role.TEAM_LEAD, Map.entry("Lee", LEE)), Map.entry(Role.VP_SERVICE, Map.entry("Val", VAL)))) {
            String name = p.getValue().getKey();
            roster.addTechnician(new RosterService.NewTechnician(name, p.getValue().getValue(), null, null, "America/Winnipeg"));
            roster.setRotation(new RosterService.RotationSpec(p.getKey(), List.of(name), "1w", "08:00", "America/Winnipeg",
                    "2026-11-01"));
        }
        services().clients().add(new ClientService.NewClient("Acme Ltd", "Jane Doe", List.of(CALLER)));
    }

    Services services() {
        return server.services();
    }

    FakePhone phone(String number) {
        return twilio.phone(number);
    }

    /**
     * Jane calls the support line: urgent (1), company-wide outage (1), the primary's phone rings out,
     * she confirms her caller ID as the call-back number (1) and records her message.
     */
    Conversation urgentVoicemail() {
        Conversation c = asterisk.call(CALLER, CallerScript.pressing("1", "1", "1").technician(CallerScript.Technician.NOANSWER));
        assertNull(c.error(), c.error());
        assertEquals("VOICEMAIL", c.variable("PAGERLINE_RESULT"), String.join("\n", c.commands()));
        return c;
    }

    /**
     * On Twilio ({@link Voice#TWILIO}): Jane's urgent voicemail, whose incident's first step texts
     * and calls Pat and Sam (each taken off the fake Twilio). Returns the incident's id.
     */
    long urgentVoicemailPagingPatAndSam() {
        long n = incidentOn(ticketOf(urgentVoicemail())).id();
        for (String to : List.of(PAT, SAM)) {
            phone(to).expectSms("Reply " + n + "a");
            phone(to).expectCall();
        }
        return n;
    }

    static long ticketOf(Conversation c) {
        return Long.parseLong(c.variable("PAGERLINE_TICKET"));
    }

    /** The one incident on this ticket. */
    Incident incidentOn(long ticketId) {
        List<Incident> on = services().incidents().list(100, false).stream().filter(i -> i.ticketId() == ticketId).toList();
        assertEquals(1, on.size(), "incidents on ticket " + ticketId + ": " + on);
        return on.get(0);
    }

    Incident incident(long id) {
        return services().incidents().show(id).incident();
    }

    List<Page> pages(long incidentId) {
        return services().incidents().show(incidentId).pages();
    }

    TicketService.TicketView ticket(long id) {
        return services().tickets().show(id);
    }

    static String timeline(TicketService.TicketView v) {
        StringBuilder b = new StringBuilder();
        for (TicketEvent e : v.events()) {
            b.append(e.at()).append("  ").append(e.kind()).append("  ").append(e.detail()).append('\n');
        }
        return b.toString();
    }

    /** Runs the engine pass at the clock's instant and waits for it (and any pass already running) to finish. */
    EscalationEngine.PassResult pass() {
        return server.runEnginePass();
    }

    /** Fails on any page nobody expected so far, then moves the clock and runs the engine pass. */
    EscalationEngine.PassResult after(Duration d) {
        pass(); // let any kicked pass finish at the old instant first
        twilio.assertNoUnexpectedPages();
        clock.advance(d);
        return pass();
    }

    /** Sends nothing nobody expected, after letting any kicked pass finish. */
    void expectNothingElse() {
        pass();
        twilio.assertNoUnexpectedPages();
    }

    /** API requests to {@code to} of this kind ("Messages" or "Calls"), whatever Twilio answered. */
    List<FakeTwilio.ApiRequest> requests(String kind, String to) {
        return twilio.requests().stream().filter(r -> r.kind().equals(kind) && to.equals(r.to())).toList();
    }

    String health() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                    + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    record CliResult(int exit, String out, String err) {}

    /** The real command line (picocli, {@link Cli#run}) over this server's services, as an admin would run it. */
    CliResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(configFile -> new Backend() {
            @Override
            public Services services() {
                return server.services();
            }

            @Override
            public int runServer() {
                throw new UnsupportedOperationException("the server is already running in this test");
            }

            @Override
            public void close() {
                // the server owns the database
            }
        }, new PrintWriter(out), new PrintWriter(err), args);
        return new CliResult(exit, out.toString(), err.toString());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            twilio.close();
            if (ami != null) {
                ami.close();
            }
        }
    }
}
