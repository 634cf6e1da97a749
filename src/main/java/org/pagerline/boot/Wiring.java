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
import org.pagerline.adapter.agi.PagingCallScript;
import org.pagerline.adapter.agi.SupportLineScript;
import org.pagerline.adapter.ami.AmiQueue;
import org.pagerline.adapter.ami.AmiSession;
import org.pagerline.adapter.ami.AsteriskVoiceChannel;
import org.pagerline.adapter.http.HealthHandler;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.log.LogPageChannel;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.adapter.store.JdbcWebhookLedger;
import org.pagerline.adapter.twilio.TwilioClients;
import org.pagerline.adapter.twilio.TwilioSmsChannel;
import org.pagerline.adapter.twilio.TwilioVoiceChannel;
import org.pagerline.adapter.twilio.TwilioWebhooks;
import org.pagerline.adapter.twilio.WebhookPaths;
import org.pagerline.config.ConfigException;
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
import org.pagerline.service.IncidentService;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PagingService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.QueueService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TicketClockEngine;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;

/**
 * The one place the object graph is built. No DI framework, no statics: everything is made
 * here, in dependency order, and handed its collaborators. The clock is injected so tests can
 * move time.
 */
public final class Wiring {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Wiring.class);
    /** How long handled Twilio webhooks are remembered for replay protection. */
    static final Duration WEBHOOK_RETENTION = Duration.ofDays(30);

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
        Database db = DatabaseOpener.open(config.database(), serverUp);
        Transactions tx = new JdbcTransactions(db.dataSource());
        EngineKick kick = new EngineKick();
        return new Data(db, tx, services(config, tx, clock, kick), kick);
    }

    /**
     * The use cases over a transaction source. Public so tests in other packages build the same
     * graph the server runs rather than a copy of it.
     */
    public static Services services(PagerlineConfig config, Transactions tx, Clock clock, EngineKick kick) {
        PhoneNumbers phones = new PhoneNumbers("CA");
        PagingConfig paging = config.paging();
        TicketService tickets = new TicketService(tx, clock, config.tickets().warningLead(),
                config.tickets().autoCloseAfter(), kick);
        IncidentService incidents = new IncidentService(tx, clock, paging.callbackDeadline(), paging.slaWarning(), kick);
        CallService calls = new CallService(tx, tickets, phones, incidents, clock, config.line().ticketReuseWindow(),
                paging.callbackDeadline(), config.line().callbackRegions());
        return new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx, tickets::recomputeAll),
                tickets, new QueueService(tx, clock), new ClientService(tx, phones, clock), calls, incidents,
                new PagingService(tx, clock, deliveryPolicy(paging), kick));
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
                yield new AsteriskVoiceChannel(ami, config.ami(), services.paging(), services.clock()).start();
            }
            case TWILIO -> require(twilio, Channel.VOICE, "paging.voice-provider");
        };
        PageChannel sms = switch (p.smsProvider()) {
            case LOG -> new LogPageChannel(Channel.SMS);
            case TWILIO -> require(twilio, Channel.SMS, "paging.sms-provider");
        };
        log.info("pages go out by voice through {} and by SMS through {}", voice.name(), sms.name());
        return Map.of(Channel.VOICE, voice, Channel.SMS, sms);
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
        TwilioWebhooks.routes(tc, ledger, data.services().paging(), clock).forEach(http::route);
        Map<Channel, PageChannel> channels = new EnumMap<>(Channel.class);
        channels.put(Channel.SMS, new TwilioSmsChannel(client, tc.fromNumber(), urls));
        channels.put(Channel.VOICE, new TwilioVoiceChannel(client, tc.fromNumber(), urls));
        log.info("Twilio configured: {}", tc);
        return channels;
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
        ExecutorService senders = Executors.newFixedThreadPool(p.sendThreads(), r -> {
            Thread t = new Thread(r, "page-send");
            t.setDaemon(true);
            return t;
        });
        PageDispatcher dispatcher = new PageDispatcher(data.tx(), clock, channels,
                new RateLimit(p.rateLimitPages(), p.rateLimitWindow()), deliveryPolicy(p), p.sendTimeout(), senders);
        return new EscalationEngine(data.tx(), clock, p.callbackDeadline(), dispatcher);
    }

    /** Everything the server runs, built but not started. */
    static PagerlineServer server(PagerlineConfig config, Clock clock) throws java.io.IOException {
        // a port in use is said in one line before anything opens (the listeners bind again for real)
        requireFree("agi.port", config.agi().bind(), config.agi().port());
        requireFree("http.port", config.http().bind(), config.http().port());
        java.nio.file.Path dataDir = config.database().dataDir();
        if (AdminClient.answers(dataDir.resolve(AdminEndpoint.SOCKET_FILE))) {
            throw new IllegalStateException("a pagerline server is already running on " + dataDir);
        }
        DataDirectory.secure(dataDir);
        // The admin socket comes first, so that from now until the stop the command line finds the
        // server there (never the database file held with nobody answering); a command that arrives
        // while the server is starting waits for it.
        Backends.ServerCommands commands = new Backends.ServerCommands();
        AdminEndpoint admin = new AdminEndpoint(dataDir, commands).start();
        Data data;
        try {
            data = openData(config, clock);
        } catch (RuntimeException e) {
            commands.failed(e);
            admin.close();
            throw e;
        }
        OutageLogFilter.install(data.database().outage());
        HttpEndpoint http = null;
        try {
            Services services = data.services();
            http = new HttpEndpoint(config.http());
            AmiSession ami = config.ami().enabled() ? new AmiSession(config.ami()) : null;
            Map<Channel, PageChannel> channels = channels(config, ami, twilio(config, data, clock, http), services);
            EscalationEngine engine = engine(data, config.paging(), channels, clock);
            TicketClockEngine ticketClocks = new TicketClockEngine(data.tx(), clock, services.tickets(), engine::kick);
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
            scripts.put(AcceptScript.NAME, new AcceptScript(services.calls()));
            scripts.put(PagingCallScript.NAME, new PagingCallScript(services.paging(), config.ami()::pageDialString,
                    (int) config.ami().pageRingTimeout().toSeconds() * 2));
            AgiListener agi = new AgiListener(config.agi(), scripts);

            List<HealthService.Check> checks = new ArrayList<>(List.of(
                    new HealthService.Check("database", data.database()::isUp),
                    new HealthService.Check("scheduler", scheduler::isUp),
                    new HealthService.Check("agi", agi::isUp)));
            if (ami != null) {
                new AmiQueue(ami, config.ami(), services.queue(), services.calls(), clock).start();
                checks.add(new HealthService.Check("ami", ami::isUp));
            }
            http.route("/health", new HealthHandler(new HealthService(checks)));
            commands.ready(services);
            return new PagerlineServer(data, engine, ticketClocks, scheduler, agi, http, ami, admin);
        } catch (RuntimeException e) {
            commands.failed(e);
            admin.close();
            if (http != null) {
                http.close();
            }
            data.close();
            throw e;
        }
    }
}
