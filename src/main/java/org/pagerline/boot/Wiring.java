package org.pagerline.boot;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.http.HealthHandler;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.adapter.store.JdbcWebhookLedger;
import org.pagerline.adapter.twilio.TwilioClients;
import org.pagerline.adapter.twilio.TwilioSmsChannel;
import org.pagerline.adapter.twilio.TwilioVoiceChannel;
import org.pagerline.adapter.twilio.TwilioWebhooks;
import org.pagerline.adapter.twilio.WebhookPaths;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.TwilioConfig;
import org.pagerline.core.page.Channel;
import org.pagerline.service.CalendarService;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.HealthService;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageResponses;
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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Wiring.class);
    /** How long handled Twilio webhooks are remembered for replay protection. */
    static final java.time.Duration WEBHOOK_RETENTION = java.time.Duration.ofDays(30);

    private Wiring() {}

    /**
     * Twilio, when configured: the SDK client (no retries, twilio.api-url honoured), the SMS channel,
     * the voice channel when twilio.voice=true, and the four webhooks on the HTTP endpoint, replay-
     * guarded by the database ledger. Returns the channels by kind (empty when Twilio is off).
     */
    static Map<Channel, PageChannel> twilio(PagerlineConfig config, Data data, Clock clock, HttpEndpoint http,
            PageResponses responses) {
        TwilioConfig tc = config.twilio();
        if (!tc.configured()) {
            return Map.of();
        }
        var client = TwilioClients.restClient(tc);
        WebhookPaths urls = new WebhookPaths(tc.publicUrl());
        var ledger = new JdbcWebhookLedger(data.database().dataSource(), clock, WEBHOOK_RETENTION);
        TwilioWebhooks.routes(tc, ledger, responses).forEach(http::route);
        Map<Channel, PageChannel> channels = new java.util.EnumMap<>(Channel.class);
        channels.put(Channel.SMS, new TwilioSmsChannel(client, tc.fromNumber(), urls));
        if (tc.voice()) {
            channels.put(Channel.VOICE, new TwilioVoiceChannel(client, tc.fromNumber(), urls));
        }
        log.info("Twilio configured: {}", tc);
        return channels;
    }

    /** Stand-in until the paging engine is merged: webhooks are verified and answered, nothing acts. */
    private static final PageResponses NOT_PAGING_YET = new PageResponses() {
        @Override
        public String onSmsReply(String fromE164, String body) {
            return "";
        }

        @Override
        public java.util.Optional<PageBrief> brief(long pageId) {
            return java.util.Optional.empty();
        }

        @Override
        public KeyOutcome onPageKey(long pageId, String key) {
            return new KeyOutcome("Paging is not running.", null, true);
        }

        @Override
        public void onDelivery(DeliveryReport report) {
            log.info("delivery report with no paging engine: {}", report);
        }
    };

    /** The database and the services over it: all the command line needs. */
    record Data(Database database, Transactions tx, Services services) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
        }
    }

    static Data openData(PagerlineConfig config, Clock clock) {
        Database db = Database.open(config.database());
        Transactions tx = new JdbcTransactions(db.dataSource());
        PhoneNumbers phones = new PhoneNumbers("CA");
        Services services = new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx),
                new TicketService(tx, clock));
        return new Data(db, tx, services);
    }

    /** Everything the server runs, built but not started. */
    static PagerlineServer server(PagerlineConfig config, Clock clock) throws java.io.IOException {
        Data data = openData(config, clock);
        try {
            Runnable duePass = () -> { };
            QuartzScheduler scheduler = new QuartzScheduler(config.database(), config.scheduler(), duePass);
            Map<String, AgiScript> scripts = Map.of();
            AgiListener agi = new AgiListener(config.agi(), scripts);
            HealthService health = new HealthService(List.of(
                    new HealthService.Check("database", data.database()::isUp),
                    new HealthService.Check("scheduler", scheduler::isUp),
                    new HealthService.Check("agi", agi::isUp)));
            HttpEndpoint http = new HttpEndpoint(config.http().bind(), config.http().port(), 8);
            http.route("/health", new HealthHandler(health));
            // MERGE: the paging engine's PageResponses goes here, and the returned channels into its channel map.
            Map<Channel, PageChannel> twilioChannels = twilio(config, data, clock, http, NOT_PAGING_YET);
            log.info("Twilio channels: {}", twilioChannels.keySet());
            return new PagerlineServer(data, scheduler, agi, http);
        } catch (RuntimeException | java.io.IOException e) {
            data.close();
            throw e;
        }
    }
}
