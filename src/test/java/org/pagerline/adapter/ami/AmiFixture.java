package org.pagerline.adapter.ami;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.pagerline.config.AmiConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.roster.Technician;
import org.pagerline.service.CalendarService;
import org.pagerline.service.CallEvents;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.QueueService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/** A database, the services, a fake AMI and a session pointed at it: what every AMI test needs. */
final class AmiFixture implements AutoCloseable {
    static final String SECRET = "s3cret-ami";
    /** Monday 23 November 2026, 10:00 in Winnipeg: the default desk is open. */
    static final String MONDAY_10AM = "2026-11-23T10:00:00-06:00";

    final TestDatabase db = TestDatabase.inMemory();
    final Transactions tx = db.transactions();
    final MutableClock clock = MutableClock.at(MONDAY_10AM);
    final RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
    final QueueService queue = new QueueService(tx, clock);
    final Services services = new Services(clock, roster, new CalendarService(tx), new TicketService(tx, clock), queue, null, null, null, null, null);
    final List<String> callEvents = new CopyOnWriteArrayList<>();
    final CallEvents calls = (uid, kind, detail) -> callEvents.add(uid + " " + kind + " " + detail);
    final FakeAmi fake = new FakeAmi("pagerline", SECRET, "helpdesk");
    AmiSession session;
    AmiQueue amiQueue;

    Technician tech(String name, String phone) {
        return roster.addTechnician(new RosterService.NewTechnician(name, phone, null, null, "America/Winnipeg"));
    }

    static AmiConfig config(int port, String... more) {
        Map<String, String> m = new java.util.HashMap<>(Map.of("ami.enabled", "true", "ami.port", Integer.toString(port),
                "ami.reconnect-interval", "50ms", "ami.reconnect-max", "200ms", "ami.reconcile-interval", "1h",
                "ami.action-timeout", "3s",
                // these tests name members by their PJSIP interface (the default goes through Local)
                "ami.member-template", "PJSIP/{number}@trunk"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return AmiConfig.from(new Settings(m, Map.of("PAGERLINE_AMI_PASSWORD", SECRET)));
    }

    /** Starts the session and the queue keeper against {@code port} (the fake may or may not listen there). */
    AmiFixture connect(int port, String... more) {
        AmiConfig c = config(port, more);
        session = new AmiSession(c);
        amiQueue = new AmiQueue(session, c, queue, calls, clock);
        amiQueue.start();
        session.start();
        return this;
    }

    void awaitUp() {
        Eventually.await(Duration.ofSeconds(10), "AMI logged in", session::isUp);
    }

    /** Waits until everything queued on the ami-worker so far has run. */
    void drain() {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        session.submit(done::countDown);
        Eventually.await(Duration.ofSeconds(10), "ami-worker idle", () -> done.getCount() == 0);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        fake.close();
        db.close();
    }
}
