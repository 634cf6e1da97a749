package org.pagerline.boot;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.adapter.agi.AcceptScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.agi.SupportLineScript;
import org.pagerline.adapter.http.HealthHandler;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.service.CalendarService;
import org.pagerline.service.CallService;
import org.pagerline.service.ClientService;
import org.pagerline.service.HealthService;
import org.pagerline.service.IncidentOpener;
import org.pagerline.service.PhoneNumbers;
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
    private Wiring() {}

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
                tickets, new ClientService(tx, phones, clock), calls);
        return new Data(db, tx, services);
    }

    /** Everything the server runs, built but not started. */
    static PagerlineServer server(PagerlineConfig config, Clock clock) throws java.io.IOException {
        Data data = openData(config, clock);
        try {
            Runnable duePass = () -> { };
            QuartzScheduler scheduler = new QuartzScheduler(config.database(), config.scheduler(), duePass);
            Map<String, AgiScript> scripts = Map.of(
                    SupportLineScript.NAME, new SupportLineScript(data.services().calls(), config.line()),
                    AcceptScript.NAME, new AcceptScript(data.services().calls()));
            AgiListener agi = new AgiListener(config.agi(), scripts);
            HealthService health = new HealthService(List.of(
                    new HealthService.Check("database", data.database()::isUp),
                    new HealthService.Check("scheduler", scheduler::isUp),
                    new HealthService.Check("agi", agi::isUp)));
            HttpEndpoint http = new HttpEndpoint(config.http().bind(), config.http().port(), 8);
            http.route("/health", new HealthHandler(health));
            return new PagerlineServer(data, scheduler, agi, http);
        } catch (RuntimeException | java.io.IOException e) {
            data.close();
            throw e;
        }
    }
}
