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
import org.pagerline.cli.Backend;
import org.pagerline.cli.Cli;
import org.pagerline.config.ConfigException;
import org.pagerline.config.DatabaseConfig;
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
        }
    }

    /**
     * Opens the database: for embedded H2, in the owner-only data directory with its generated
     * password. Waits up to {@link #LOCK_WAIT} for another process (a command run while no server
     * was up, or a server stopping) to let go of the H2 file.
     */
    static Data openData(PagerlineConfig config, Clock clock) {
        return openData(config, clock, () -> false);
    }

    /**
     * As {@link #openData(PagerlineConfig, Clock)}, for the command line: while it waits for the
     * database, a server that starts and answers on its admin socket ({@code serverUp}) ends the
     * wait with {@link Backend.ServerStarted}, so the command goes to that server instead.
     */
    static Data openData(PagerlineConfig config, Clock clock, java.util.function.BooleanSupplier serverUp) {
        DatabaseConfig dbc = config.database();
        DataDirectory dir = null;
        if (dbc.generatedPassword()) {
            dir = DataDirectory.secure(dbc.dataDir());
            dbc = dbc.withPassword(dir.databasePassword());
        }
        Database db;
        try {
            db = openWaitingForLock(dbc, serverUp);
        } catch (RuntimeException e) {
            if (dir != null && sqlState(e, 28000)) {
                throw new IllegalStateException("the database in " + dir.path() + " refused the password in its "
                        + DataDirectory.PASSWORD_FILE + " file (replaced, or restored from another copy?)", e);
            }
            throw e;
        }
        if (dir != null) {
            dir.tighten(); // the files H2 just made (umask permitting) are private too
        }
        Transactions tx = new JdbcTransactions(db.dataSource());
        EngineKick kick = new EngineKick();
        return new Data(db, tx, services(config, tx, clock, kick), kick);
    }

    static final Duration LOCK_WAIT = Duration.ofSeconds(30);
    /** How long a command sent while the server starts waits for it (opening a database may wait LOCK_WAIT). */
    static final Duration ADMIN_START_WAIT = Duration.ofSeconds(90);

    private static Database openWaitingForLock(DatabaseConfig dbc, java.util.function.BooleanSupplier serverUp) {
        long until = System.nanoTime() + LOCK_WAIT.toNanos(); // real time, whatever clock the services get
        boolean said = false;
        while (true) {
            try {
                return Database.open(dbc);
            } catch (RuntimeException e) {
                if (!heldElsewhere(e)) {
                    throw e;
                }
                if (serverUp.getAsBoolean()) {
                    throw new Backend.ServerStarted();
                }
                if (System.nanoTime() - until > 0) {
                    throw new IllegalStateException("the database in " + dbc.dataDir() + " is in use by another process"
                            + " (a pagerline server whose admin socket does not answer?)", e);
                }
                if (!said) {
                    log.info("the database in {} is open in another process: waiting up to {} s for it", dbc.dataDir(),
                            LOCK_WAIT.toSeconds());
                    said = true;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** H2's "Database may be already in use" (90020): another process has the file open. */
    private static boolean heldElsewhere(Throwable e) {
        return sqlState(e, 90020);
    }

    /** An SQLException with this vendor error code somewhere in the causes (28000: wrong user name or password). */
    private static boolean sqlState(Throwable e, int errorCode) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getErrorCode() == errorCode) {
                return true;
            }
        }
        return false;
    }

    /**
     * The use cases over a transaction source. Public so tests in other packages build the same
     * graph the server runs rather than a copy of it.
     */
    public static Services services(PagerlineConfig config, Transactions tx, Clock clock, EngineKick kick) {
        PhoneNumbers phones = new PhoneNumbers("CA");
        PagingConfig paging = config.paging();
        TicketService tickets = new TicketService(tx, clock);
        IncidentService incidents = new IncidentService(tx, clock, paging.callbackDeadline(), paging.slaWarning(), kick);
        CallService calls = new CallService(tx, tickets, phones, incidents, clock, config.line().ticketReuseWindow(),
                paging.callbackDeadline(), config.line().callbackRegions());
        return new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx),
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
        TwilioWebhooks.routes(tc, ledger, data.services().paging()).forEach(http::route);
        Map<Channel, PageChannel> channels = new EnumMap<>(Channel.class);
        channels.put(Channel.SMS, new TwilioSmsChannel(client, tc.fromNumber(), urls));
        channels.put(Channel.VOICE, new TwilioVoiceChannel(client, tc.fromNumber(), urls));
        log.info("Twilio configured: {}", tc);
        return channels;
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
        java.nio.file.Path dataDir = config.database().dataDir();
        if (AdminClient.answers(dataDir.resolve(AdminEndpoint.SOCKET_FILE))) {
            throw new IllegalStateException("a pagerline server is already running on " + dataDir);
        }
        DataDirectory.secure(dataDir);
        // The admin socket comes first, so that from now until the stop the command line finds the
        // server there (never the database file held with nobody answering); a command that arrives
        // while the server is starting waits for it.
        java.util.concurrent.CompletableFuture<Services> ready = new java.util.concurrent.CompletableFuture<>();
        java.util.Queue<Cli.Prepared> models = new java.util.concurrent.ConcurrentLinkedQueue<>(); // one per admin thread at most
        AdminEndpoint admin = new AdminEndpoint(dataDir, (args, out, err) -> {
            Services running;
            try {
                running = ready.get(ADMIN_START_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception notReady) {
                err.println("error: the server is not ready to run commands (it is still starting, or failed to start: see its log)");
                return Cli.FAULT;
            }
            Cli.Prepared model = models.poll();
            if (model == null) {
                model = new Cli.Prepared(configFile -> new Backends.InServer(running));
            }
            try {
                return model.run(out, err, args.toArray(String[]::new));
            } finally {
                models.offer(model);
            }
        }).start();
        Data data;
        try {
            data = openData(config, clock);
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
            admin.close();
            throw e;
        }
        HttpEndpoint http = null;
        try {
            Services services = data.services();
            http = new HttpEndpoint(config.http().bind(), config.http().port(), 8);
            AmiSession ami = config.ami().enabled() ? new AmiSession(config.ami()) : null;
            Map<Channel, PageChannel> channels = channels(config, ami, twilio(config, data, clock, http), services);
            EscalationEngine engine = engine(data, config.paging(), channels, clock);
            QuartzScheduler scheduler = new QuartzScheduler(data.database().dataSource(), data.database().isPostgres(),
                    config.scheduler(), engine::runDue);
            engine.attachWakeUps(scheduler);
            data.kick().attach(engine::kick);

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
            ready.complete(services);
            return new PagerlineServer(data, engine, scheduler, agi, http, ami, admin);
        } catch (RuntimeException | java.io.IOException e) {
            ready.completeExceptionally(e);
            admin.close();
            if (http != null) {
                http.close();
            }
            data.close();
            throw e;
        }
    }
}
