package org.pagerline.boot;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.log.LogPageChannel;
import org.pagerline.adapter.http.HealthHandler;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.config.ConfigException;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.PagingConfig;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.service.EngineKick;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.IncidentService;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PagingService;
import org.pagerline.service.CalendarService;
import org.pagerline.service.HealthService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;

/**
 * The one place the object graph is built. No DI framework, no statics: everything is made
 * here, in dependency order, and handed its collaborators. The clock is injected so tests can
 * move time.
 */
final class Wiring {
    private Wiring() {}

    /** The database and the services over it: all the command line needs. */
    record Data(Database database, Transactions tx, Services services, EngineKick kick) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
        }
    }

    static Data openData(PagerlineConfig config, Clock clock) {
        Database db = Database.open(config.database());
        Transactions tx = new JdbcTransactions(db.dataSource());
        PhoneNumbers phones = new PhoneNumbers("CA");
        PagingConfig paging = config.paging();
        EngineKick kick = new EngineKick();
        Services services = new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx),
                new TicketService(tx, clock),
                new IncidentService(tx, clock, paging.callbackDeadline(), paging.slaWarning(), kick),
                new PagingService(tx, clock, deliveryPolicy(paging), kick));
        return new Data(db, tx, services, kick);
    }

    static DeliveryPolicy deliveryPolicy(PagingConfig p) {
        return new DeliveryPolicy(p.retryBackoff(), p.retryMaxBackoff(), p.retryMaxAttempts());
    }

    /**
     * The channel adapters, by configuration. {@code log} prints pages (the embedded default).
     * MERGE NOTE: the Twilio and Asterisk adapters are built here when their branches land.
     */
    static Map<Channel, PageChannel> channels(PagingConfig p) {
        PageChannel voice = switch (p.voiceProvider()) {
            case LOG -> new LogPageChannel(Channel.VOICE);
            default -> throw new ConfigException("paging.voice-provider",
                    p.voiceProvider().name().toLowerCase() + " is not available in this build (use log)");
        };
        PageChannel sms = switch (p.smsProvider()) {
            case LOG -> new LogPageChannel(Channel.SMS);
            default -> throw new ConfigException("paging.sms-provider",
                    p.smsProvider().name().toLowerCase() + " is not available in this build (use log)");
        };
        return Map.of(Channel.VOICE, voice, Channel.SMS, sms);
    }

    /** The engine over the outbox: the dispatcher with its send pool, and the pass Quartz wakes. */
    static EscalationEngine engine(Data data, PagingConfig p, Map<Channel, PageChannel> channels, Clock clock) {
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(p.sendThreads(), r -> {
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
        Data data = openData(config, clock);
        try {
            EscalationEngine engine = engine(data, config.paging(), channels(config.paging()), clock);
            QuartzScheduler scheduler = new QuartzScheduler(config.database(), config.scheduler(), engine::runDue);
            engine.attachWakeUps(scheduler);
            data.kick().attach(engine::kick);
            Map<String, AgiScript> scripts = Map.of();
            AgiListener agi = new AgiListener(config.agi(), scripts);
            HealthService health = new HealthService(List.of(
                    new HealthService.Check("database", data.database()::isUp),
                    new HealthService.Check("scheduler", scheduler::isUp),
                    new HealthService.Check("agi", agi::isUp)));
            HttpEndpoint http = new HttpEndpoint(config.http().bind(), config.http().port(), 8);
            http.route("/health", new HealthHandler(health));
            return new PagerlineServer(data, engine, scheduler, agi, http);
        } catch (RuntimeException | java.io.IOException e) {
            data.close();
            throw e;
        }
    }
}
