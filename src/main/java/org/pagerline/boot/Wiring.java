package org.pagerline.boot;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.adapter.agi.AcceptScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.agi.PagingCallScript;
import org.pagerline.adapter.ami.AmiQueue;
import org.pagerline.adapter.ami.AmiSession;
import org.pagerline.adapter.ami.AsteriskVoiceChannel;
import org.pagerline.adapter.agi.SupportLineScript;
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
import org.pagerline.service.CallEvents;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageResponses;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.HealthService;
import org.pagerline.service.CallService;
import org.pagerline.service.ClientService;
import org.pagerline.service.IncidentOpener;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.QueueService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TemporaryIncidentOpener;
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


    /** Until the paging engine is merged: pages are unknown, keys change nothing, results are logged. */
    private Wiring() {}

    private static final PageResponses UNWIRED_PAGE_RESPONSES = new PageResponses() {
        @Override
        public String onSmsReply(String fromE164, String body) {
            return "pagerline: paging is not set up on this server";
        }

        @Override
        public java.util.Optional<PageBrief> brief(long pageId) {
            return java.util.Optional.empty();
        }

        @Override
        public KeyOutcome onPageKey(long pageId, String key) {
            return new KeyOutcome("paging is not set up", null, true);
        }

        @Override
        public void onDelivery(org.pagerline.service.DeliveryReport report) {
            log.info("page {}: {}", report.pageId(), report.outcome());
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
        TicketService tickets = new TicketService(tx, clock);
        // TEMPORARY: the paging engine's IncidentOpener replaces this at merge (see its javadoc).
        IncidentOpener incidents = new TemporaryIncidentOpener(tickets);
        CallService calls = new CallService(tx, tickets, phones, incidents, clock, config.line().ticketReuseWindow(),
                config.line().callbackPromise());
        Services services = new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx),
                tickets, new QueueService(tx, clock), new ClientService(tx, phones, clock), calls);
        return new Data(db, tx, services);
    }

    /** Everything the server runs, built but not started. */
    static PagerlineServer server(PagerlineConfig config, Clock clock) throws java.io.IOException {
        Data data = openData(config, clock);
        try {
            Runnable duePass = () -> { };
            QuartzScheduler scheduler = new QuartzScheduler(data.database().dataSource(), data.database().isPostgres(), config.scheduler(), duePass);
            Map<String, AgiScript> scripts = new HashMap<>();
            scripts.put(SupportLineScript.NAME, new SupportLineScript(data.services().calls(), config.line()));
            scripts.put(AcceptScript.NAME, new AcceptScript(data.services().calls()));
            // TODO(merge): the paging engine's PageResponses replaces this stand-in
            PageResponses pageResponses = UNWIRED_PAGE_RESPONSES;
            scripts.put(PagingCallScript.NAME, new PagingCallScript(pageResponses, config.ami()::pageDialString,
                    (int) config.ami().pageRingTimeout().toSeconds() * 2));
            AgiListener agi = new AgiListener(config.agi(), scripts);
            List<HealthService.Check> checks = new ArrayList<>(List.of(
                    new HealthService.Check("database", data.database()::isUp),
                    new HealthService.Check("scheduler", scheduler::isUp),
                    new HealthService.Check("agi", agi::isUp)));
            AmiSession ami = null;
            List<PageChannel> voiceChannels = new ArrayList<>();
            if (config.ami().enabled()) {
                ami = new AmiSession(config.ami());
                CallEvents callEvents = data.services().calls();
                new AmiQueue(ami, config.ami(), data.services().queue(), callEvents, clock).start();
                if (config.ami().voicePaging()) {
                    // TODO(merge): hand this to the paging engine for Channel.VOICE (paging.voice-provider=asterisk)
                    voiceChannels.add(new AsteriskVoiceChannel(ami, config.ami(), pageResponses).start());
                }
                checks.add(new HealthService.Check("ami", ami::isUp));
            }
            HealthService health = new HealthService(checks);
            HttpEndpoint http = new HttpEndpoint(config.http().bind(), config.http().port(), 8);
            http.route("/health", new HealthHandler(health));
            Map<Channel, PageChannel> twilioChannels = twilio(config, data, clock, http, pageResponses);
            log.info("Twilio channels: {}", twilioChannels.keySet());
            return new PagerlineServer(data, scheduler, agi, http, ami);
        } catch (RuntimeException | java.io.IOException e) {
            data.close();
            throw e;
        }
    }
}
