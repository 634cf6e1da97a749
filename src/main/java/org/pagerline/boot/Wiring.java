package org.pagerline.boot;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.agi.PagingCallScript;
import org.pagerline.adapter.ami.AmiQueue;
import org.pagerline.adapter.ami.AmiSession;
import org.pagerline.adapter.ami.AsteriskVoiceChannel;
import org.pagerline.adapter.http.HealthHandler;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.service.CalendarService;
import org.pagerline.service.CallEvents;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageResponses;
import org.pagerline.service.HealthService;
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
final class Wiring {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Wiring.class);

    private Wiring() {}

    /** Until the paging engine is merged: pages are unknown, keys change nothing, results are logged. */
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
        Services services = new Services(clock, new RosterService(tx, phones, clock), new CalendarService(tx),
                new TicketService(tx, clock), new QueueService(tx, clock));
        return new Data(db, tx, services);
    }

    /** Everything the server runs, built but not started. */
    static PagerlineServer server(PagerlineConfig config, Clock clock) throws java.io.IOException {
        Data data = openData(config, clock);
        try {
            Runnable duePass = () -> { };
            QuartzScheduler scheduler = new QuartzScheduler(data.database().dataSource(), data.database().isPostgres(), config.scheduler(), duePass);
            Map<String, AgiScript> scripts = new HashMap<>();
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
                // TODO(merge): the support line's CallEvents replaces this logger
                CallEvents callEvents = (uid, kind, detail) -> log.info("queue event {} {}: {}", uid, kind, detail);
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
            return new PagerlineServer(data, scheduler, agi, http, ami);
        } catch (RuntimeException | java.io.IOException e) {
            data.close();
            throw e;
        }
    }
}
