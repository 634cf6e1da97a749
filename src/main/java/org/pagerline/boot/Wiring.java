package org.pagerline.boot;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.adapter.admin.AdminClient;
import org.pagerline.adapter.admin.AdminEndpoint;
import org.pagerline.adapter.agi.AcceptScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.agi.FallbackFolder;
import org.pagerline.adapter.agi.FallbackMessageScript;
import org.pagerline.adapter.agi.PagingCallScript;
import org.pagerline.adapter.agi.SupportLineScript;
import org.pagerline.adapter.ami.AmiQueue;
import org.pagerline.adapter.ami.AmiSession;
import org.pagerline.adapter.ami.AsteriskVoiceChannel;
import org.pagerline.adapter.http.HealthHandler;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.http.web.WebApp;
import org.pagerline.adapter.http.MetricsHandler;
import org.pagerline.adapter.metrics.PrometheusMetrics;
import org.pagerline.adapter.log.LogPageChannel;
import org.pagerline.adapter.mail.FileAttachments;
import org.pagerline.adapter.mail.ImapInbox;
import org.pagerline.adapter.mail.LogMailSender;
import org.pagerline.adapter.mail.MailRunner;
import org.pagerline.adapter.mail.MimeReader;
import org.pagerline.adapter.mail.SmtpSender;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.adapter.store.AdvisoryLock;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.HandOverFile;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.adapter.store.JdbcWebhookLedger;
import org.pagerline.adapter.twilio.TwilioClients;
import org.pagerline.adapter.twilio.TwilioSmsChannel;
import org.pagerline.adapter.twilio.TwilioVoiceChannel;
import org.pagerline.adapter.twilio.TwilioWebhooks;
import org.pagerline.adapter.twilio.WebhookPaths;
import org.pagerline.config.ConfigException;
import org.pagerline.config.MailConfig;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.PagingConfig;
import org.pagerline.config.TwilioConfig;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.service.CalendarService;
import org.pagerline.service.CallService;
import org.pagerline.service.ClientService;
import org.pagerline.service.EngineKick;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.HealthService;
import org.pagerline.service.Metrics;
import org.pagerline.service.OutboxDepth;
import org.pagerline.service.IncidentService;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PageLog;
import org.pagerline.service.PagingService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.QueueService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TicketClockEngine;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.web.AttemptLimits;
import org.pagerline.service.web.ClientEmails;
import org.pagerline.service.web.ConsoleDesk;
import org.pagerline.service.web.EmailLinkSender;
import org.pagerline.service.web.WebAdmin;
import org.pagerline.service.web.IncidentLinks;
import org.pagerline.service.web.Passwords;
import org.pagerline.service.web.PortalDesk;
import org.pagerline.service.web.SmsLinkSender;
import org.pagerline.service.web.StaffAccounts;
import org.pagerline.service.web.Tokens;
import org.pagerline.service.web.WebSessions;
import org.pagerline.service.intake.EmailIntake;
import org.pagerline.service.intake.MailOutbox;

/**
 * The one place the object graph is built. No DI framework, no statics: everything is made
 * here, in dependency order, and handed its collaborators. The clock is injected so tests can
 * move time.
 */
public final class Wiring {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Wiring.class);
    /** How long handled Twilio webhooks are remembered for replay protection. */
    static final Duration WEBHOOK_RETENTION = Duration.ofDays(30);
    /** The promise to email and portal requesters (PRODUCT.md): contacted within six hours. */
    static final Duration EMAIL_ACK_WITHIN = Duration.ofHours(6);

    private Wiring() {}

    /** The database and the services over it: all the command line needs. */
    record Data(Database database, Transactions tx, Services services, EngineKick kick) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
            OutageLogFilter.uninstall(database.outage());
        }
    }

    /**
     * Opens the database ({@link DatabaseOpener}: for embedded H2, in the owner-only data directory
     * with its generated password, waiting for another process to let go of the file).
     */
    static Data openData(PagerlineConfig config, Clock clock) {
        return openData(config, clock, () -> false);
    }

    /**
     * As {@link #openData(PagerlineConfig, Clock)}, for the command line: while it waits for the
     * database, a server that starts and answers on its admin socket ({@code serverUp}) ends the
     * wait with {@code Backend.ServerStarted}, so the command goes to that server instead.
     */
    static Data openData(PagerlineConfig config, Clock clock, java.util.function.BooleanSupplier serverUp) {
        return openData(config, clock, serverUp, Metrics.NONE);
    }

    private static Data openData(PagerlineConfig config, Clock clock, java.util.function.BooleanSupplier serverUp,
            Metrics metrics) {
        Database db = DatabaseOpener.open(config.database(), serverUp);
        Transactions tx = new JdbcTransactions(db.dataSource());
        EngineKick kick = new EngineKick();
        return new Data(db, tx, services(config, tx, clock, kick, metrics), kick);
    }

    /**
     * The use cases over a transaction source. Public so tests in other packages build the same
     * graph the server runs rather than a copy of it.
     */
    public static Services services(PagerlineConfig config, Transactions tx, Clock clock, EngineKick kick) {
        return services(config, tx, clock, kick, Metrics.NONE);
    }

    /** As above, counting what happens in {@code metrics} (the server's /metrics). */
    public static Services services(PagerlineConfig config, Transactions tx, Clock clock, EngineKick kick, Metrics metrics) {
        PhoneNumbers phones = new PhoneNumbers("CA");
        PagingConfig paging = config.paging();
        TicketService tickets = new TicketService(tx, clock, config.tickets().warningLead(),
                config.tickets().autoCloseAfter(), kick);
        IncidentService incidents = new IncidentService(tx, clock, paging.callbackDeadline(), paging.slaWarning(), kick,
                metrics, tickets);
        CallService calls = new CallService(tx, tickets, phones, incidents, clock, config.line().ticketReuseWindow(),
                paging.callbackDeadline(), config.line().callbackRegions(), hostName() + ":" + config.agi().port(), metrics);
        return new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx, tickets::recomputeAll),
                tickets, new QueueService(tx, clock, config.ami().enabled()), new ClientService(tx, phones, clock), calls, incidents,
                new PagingService(tx, clock, deliveryPolicy(paging), kick, metrics, tickets), new PageLog(tx, clock),
                new WebAdmin(new StaffAccounts(tx, clock, new Passwords()), new ClientEmails(tx), new AttemptLimits(tx, clock)),
                emailIntake(config.mail(), tx, tickets, clock));
    }

    /** This machine's name; with the FastAGI port it names this node in the calls' server runs (calls a killed node left live are ended by its next start, never by another node's). */
    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Email intake over the store; attachments go to mail.attachments-dir. */
    static EmailIntake emailIntake(MailConfig m, Transactions tx, TicketService tickets, Clock clock) {
        return new EmailIntake(tx, tickets, new FileAttachments(m.attachmentsDir()), new MimeReader(m.attachmentMaxBytes()), clock,
                new EmailIntake.Settings(m.address(),
                m.name(), m.messageIdDomain(), EMAIL_ACK_WITHIN, m.replyCap(), m.replyCapWindow(), m.tellStateChanges(),
                m.requestKeptFor(), m.phoneRegion()));
    }

    /**
     * The server's mail: with mail.enabled the IMAP reader and SMTP sender, otherwise only the
     * outgoing pass, which logs what {@code simulate email} would have sent.
     */
    static MailRunner mail(PagerlineConfig config, Data data, Clock clock) {
        MailConfig m = config.mail();
        EmailIntake intake = data.services().mail();
        SmtpSender smtp = m.enabled() ? new SmtpSender(m) : null;
        MailOutbox outbox = new MailOutbox(data.tx(), smtp == null ? new LogMailSender() : smtp, clock);
        java.util.concurrent.atomic.AtomicReference<MailRunner> runner = new java.util.concurrent.atomic.AtomicReference<>();
        ImapInbox inbox = m.enabled() ? new ImapInbox(m, intake, new MimeReader(m.attachmentMaxBytes()), clock,
                () -> runner.get().kick()) : null;
        runner.set(new MailRunner(inbox, smtp, intake, outbox, m.pollInterval()));
        intake.onQueued(runner.get()::kick);
        if (m.enabled()) {
            log.info("mail configured: {}", m);
        }
        return runner.get();
    }

    static DeliveryPolicy deliveryPolicy(PagingConfig p) {
        return new DeliveryPolicy(p.retryBackoff(), p.retryMaxBackoff(), p.retryMaxAttempts());
    }

    /**
     * The page channels, as configured: {@code log} prints pages (the embedded default), voice may
     * go through Asterisk (AMI Originate) or Twilio, SMS through Twilio. A provider that is chosen
     * but not set up stops the start, naming the key.
     */
    static Map<Channel, PageChannel> channels(PagerlineConfig config, AmiSession ami, Map<Channel, PageChannel> twilio,
            Services services) {
        PagingConfig p = config.paging();
        PageChannel voice = switch (p.voiceProvider()) {
            case LOG -> new LogPageChannel(Channel.VOICE);
            case ASTERISK -> {
                if (ami == null) {
                    throw new ConfigException("paging.voice-provider", "asterisk needs ami.enabled=true");
                }
                yield new AsteriskVoiceChannel(ami, config.ami(), responses(services), services.clock()).start();
            }
            case TWILIO -> require(twilio, Channel.VOICE, "paging.voice-provider");
        };
        PageChannel sms = switch (p.smsProvider()) {
            case LOG -> new LogPageChannel(Channel.SMS);
            case TWILIO -> require(twilio, Channel.SMS, "paging.sms-provider");
        };
        log.info("pages go out by voice through {} and by SMS through {}", voice.name(), sms.name());
        Map<Channel, PageChannel> all = Map.of(Channel.VOICE, voice, Channel.SMS, sms);
        services.pageLog().attach(all); // page test sends through these
        return all;
    }

    /** What the adapters report pages to: the paging service, with test pages ({@code page test}) kept apart. */
    static org.pagerline.service.PageResponses responses(Services services) {
        return services.pageLog().responses(services.paging());
    }

    private static PageChannel require(Map<Channel, PageChannel> twilio, Channel c, String key) {
        PageChannel ch = twilio.get(c);
        if (ch == null) {
            throw new ConfigException(key, "twilio needs twilio.account-sid (Twilio is not configured)");
        }
        return ch;
    }

    /**
     * Twilio, when configured: the SDK client (no retries, twilio.api-url honoured), both channels,
     * and the four webhooks on the HTTP endpoint, replay-guarded by the database ledger.
     */
    static Map<Channel, PageChannel> twilio(PagerlineConfig config, Data data, Clock clock, HttpEndpoint http) {
        TwilioConfig tc = config.twilio();
        if (!tc.configured()) {
            return Map.of();
        }
        var client = TwilioClients.restClient(tc);
        WebhookPaths urls = new WebhookPaths(tc.publicUrl());
        var ledger = new JdbcWebhookLedger(data.database().dataSource(), clock, WEBHOOK_RETENTION);
        TwilioWebhooks.routes(tc, ledger, responses(data.services()), clock).forEach(http::route);
        Map<Channel, PageChannel> channels = new EnumMap<>(Channel.class);
        channels.put(Channel.SMS, new TwilioSmsChannel(client, tc.fromNumber(), urls));
        channels.put(Channel.VOICE, new TwilioVoiceChannel(client, tc.fromNumber(), urls));
        log.info("Twilio configured: {}", tc);
        return channels;
    }

    /** The SMS pages carry a link to their incident's console page. */
    static Map<Channel, PageChannel> withIncidentLinks(Map<Channel, PageChannel> channels, PagerlineConfig config) {
        Map<Channel, PageChannel> out = new EnumMap<>(Channel.class);
        channels.forEach((c, ch) -> out.put(c, IncidentLinks.around(ch, config.web().publicUrl())));
        return out;
    }

    /**
     * How portal sign-in links reach a contact: by email (SMTP, mail.smtp.*) when mail is configured
     * (mail.enabled), else by SMS to the contact's directory phone.
     */
    static org.pagerline.service.web.LinkSender linkSender(PagerlineConfig config, Clock clock, PageChannel sms) {
        MailConfig m = config.mail();
        if (m.enabled()) {
            return new EmailLinkSender(new SmtpSender(m), clock, m.messageIdDomain());
        }
        return new SmsLinkSender(sms);
    }

    /** The staff console and the client portal. */
    static WebApp web(PagerlineConfig config, Data data, Clock clock, PageChannel sms) {
        Tokens tokens = new Tokens();
        Services services = data.services();
        java.util.concurrent.ExecutorService linkSends = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "portal-links");
            t.setDaemon(true);
            return t;
        });
        PortalDesk portal = new PortalDesk(data.tx(), clock, new PhoneNumbers("CA"), tokens, linkSender(config, clock, sms), linkSends,
                services.tickets());
        WebApp web = new WebApp(config.web(), services, new ConsoleDesk(data.tx(), clock, services), portal,
                services.web().staff(),
                new WebSessions(data.tx(), clock, tokens, config.web().sessionIdle()), tokens, clock,
                java.nio.file.Path.of(config.line().recordingsDir()), Duration.ofSeconds(1));
        web.start();
        return web;
    }

    private static void requireFree(String key, String bind, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(bind, port));
        } catch (java.io.IOException e) {
            throw new ConfigException(key, "cannot listen on " + bind + ":" + port + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The engine over the outbox: the dispatcher with its send pool, and the pass Quartz wakes. */
    static EscalationEngine engine(Data data, PagingConfig p, Map<Channel, PageChannel> channels, Clock clock) {
        return engine(data, p, channels, clock, Metrics.NONE);
    }

    static EscalationEngine engine(Data data, PagingConfig p, Map<Channel, PageChannel> channels, Clock clock,
            Metrics metrics) {
        ExecutorService senders = Executors.newFixedThreadPool(p.sendThreads(), r -> {
            Thread t = new Thread(r, "page-send");
            t.setDaemon(true);
            return t;
        });
        PageDispatcher dispatcher = new PageDispatcher(data.tx(), clock, channels,
                new RateLimit(p.rateLimitPages(), p.rateLimitWindow()), deliveryPolicy(p), p.sendTimeout(), senders)
                .withBundleGaps(p.bundleGaps());
        if (data.database().config().isH2File()) {
            // H2 was seen to come back from a SIGKILL without committed work: hand-overs are also kept
            // beside it, so a page the lost work had handed over is asked for before it is sent again
            dispatcher.withJournal(new HandOverFile(data.database().config().dataDir().resolve(HANDOVER_JOURNAL)));
        }
        dispatcher.attachMetrics(metrics);
        EscalationEngine engine = new EscalationEngine(data.tx(), clock, p.callbackDeadline(), dispatcher);
        engine.attachMetrics(metrics);
        return engine;
    }

    /** The hand-over journal's file in the data directory (H2 only). */
    static final String HANDOVER_JOURNAL = "handovers.log";

    /** Everything the server runs, built but not started. */
    static PagerlineServer server(PagerlineConfig config, Clock clock) throws java.io.IOException {
        java.nio.file.Path dataDir = config.database().dataDir();
        // H2 is single-node: a second server on one H2 file is refused first, naming the one that runs
        java.util.Optional<java.nio.file.Path> markFile = ServerMark.fileFor(config.database());
        markFile.flatMap(ServerMark::read).filter(ServerMark::running).ifPresent(m -> {
            throw new ServerMark.AlreadyRunning(m.refusal());
        });
        if (AdminClient.answers(dataDir.resolve(AdminEndpoint.SOCKET_FILE))) {
            throw new ServerMark.AlreadyRunning("a pagerline server is already running with the data directory " + dataDir
                    + " (its admin socket answers); each node needs a data.dir of its own");
        }
        // a port in use is said in one line before anything opens (the listeners bind again for real)
        requireFree("agi.port", config.agi().bind(), config.agi().port());
        requireFree("http.port", config.http().bind(), config.http().port());
        DataDirectory.secure(dataDir);
        // The admin socket comes first, so that from now until the stop the command line finds the
        // server there (never the database file held with nobody answering); a command that arrives
        // while the server is starting waits for it.
        Backends.ServerCommands commands = new Backends.ServerCommands();
        AdminEndpoint admin = new AdminEndpoint(dataDir, commands).start();
        PrometheusMetrics metrics = new PrometheusMetrics();
        Data data;
        try {
            data = openData(config, clock, () -> false, metrics);
        } catch (RuntimeException e) {
            commands.failed(e);
            admin.close();
            metrics.close();
            throw e;
        }
        OutageLogFilter.install(data.database().outage());
        HttpEndpoint http = null;
        try {
            Services services = data.services();
            http = new HttpEndpoint(config.http());
            AmiSession ami = config.ami().enabled() ? new AmiSession(config.ami()) : null;
            Map<Channel, PageChannel> channels = withIncidentLinks(channels(config, ami, twilio(config, data, clock, http),
                    services), config);
            EscalationEngine engine = engine(data, config.paging(), channels, clock, metrics);
            TicketClockEngine ticketClocks = new TicketClockEngine(data.tx(), clock, services.tickets(), engine::kick);
            ticketClocks.attachMetrics(metrics);
            QuartzScheduler scheduler = new QuartzScheduler(data.database().dataSource(), data.database().isPostgres(),
                    config.scheduler(), () -> {
                        ticketClocks.runDue();
                        engine.runDue();
                    });
            engine.attachWakeUps(scheduler);
            ticketClocks.attachWakeUps(scheduler);
            data.kick().attach(() -> {
                engine.kick();
                ticketClocks.kick();
            });

            Map<String, AgiScript> scripts = new HashMap<>();
            scripts.put(SupportLineScript.NAME, new SupportLineScript(services.calls(), config.line()));
            scripts.put(AcceptScript.NAME, new AcceptScript(services.calls(), config.line().holdAfter()));
            scripts.put(FallbackMessageScript.NAME, new FallbackMessageScript(services.calls(), config.line().recordingsDir(),
                    config.line().waitLimit()));
            scripts.put(PagingCallScript.NAME, new PagingCallScript(responses(services), config.ami()::pageDialString,
                    (int) config.ami().pageRingTimeout().toSeconds() * 2));
            AgiListener agi = new AgiListener(config.agi(), scripts);

            List<HealthService.Check> checks = new ArrayList<>(List.of(
                    new HealthService.Check("database", data.database()::isUp),
                    new HealthService.Check("scheduler", scheduler::isUp),
                    new HealthService.Check("agi", agi::isUp)));
            if (ami != null) {
                // several nodes share one Asterisk: one at a time changes its queue members, and each
                // queue event is written on the ticket by the first node to claim it
                AmiQueue.Nodes nodes = data.database().isPostgres()
                        ? new AmiQueue.Nodes(new AdvisoryLock(data.database().dataSource()),
                                new JdbcWebhookLedger(data.database().dataSource(), clock, WEBHOOK_RETENTION))
                        : AmiQueue.Nodes.SINGLE;
                new AmiQueue(ami, config.ami(), services.queue(), services.calls(), clock, metrics, nodes).start();
                checks.add(new HealthService.Check("ami", ami::isUp));
                metrics.connection("ami", ami::isUp);
            }
            MailRunner mail = mail(config, data, clock);
            if (config.mail().enabled()) {
                checks.add(new HealthService.Check("mail", mail::isUp));
                metrics.connection("mail", mail::isUp);
            }
            http.route("/health", new HealthHandler(new HealthService(checks)));
            WebApp web = web(config, data, clock, channels.get(Channel.SMS));
            web.register(http);
            http.closeWith(web);
            OutboxDepth outbox = new OutboxDepth(data.tx());
            metrics.outbox(outbox::pages);
            http.route("/metrics", new MetricsHandler(config.metrics(), metrics::scrape));
            commands.ready(services);
            ServerMark mark = ServerMark.here(config.agi().bind() + ":" + config.agi().port(),
                    config.http().bind() + ":" + config.http().port(), dataDir);
            return new PagerlineServer(data, engine, ticketClocks, scheduler, agi, http, ami, admin).withMail(mail)
                    .markedAs(mark, markFile.orElse(null)).withMetrics(metrics)
                    .withHeartbeat(new NodeHeartbeat(services.calls(), config.line().deadNodeAfter()))
                    .withFallbackFolder(new FallbackFolder(services.calls(), config.line().recordingsDir(),
                            Duration.ofDays(7)));
        } catch (RuntimeException e) {
            commands.failed(e);
            admin.close();
            if (http != null) {
                http.close();
            }
            data.close();
            metrics.close();
            throw e;
        }
    }
}
