package org.pagerline.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.service.CalendarService;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.TicketClockEngine;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;

/**
 * Tickets and their clocks as a runbook, on an H2 file database that can be closed and opened
 * again (a restart): the desk calendar (Mon-Fri 08:00-17:00 America/Winnipeg), Lee team lead,
 * Val VP, Pat and Sam technicians; the clock moved by hand; warnings and breaches expected by
 * phone and words. Any page nobody expected fails the test.
 */
public final class TicketRig implements AutoCloseable {
    public static final ZoneId DESK = ZoneId.of("America/Winnipeg");
    public static final String PAT = "+12045550101";
    public static final String SAM = "+12045550102";
    public static final String LEE = "+12045550103";
    public static final String VAL = "+12045550104";
    public final MutableClock clock;
    public final RecordingPageChannel phones;
    private final Path dir;
    public TestDatabase db;
    public Transactions tx;
    public RosterService roster;
    public CalendarService calendar;
    public TicketService tickets;
    public TicketClockEngine ticketClocks;
    public EscalationEngine engine;
    private ExecutorService senders;

    /** On an in-memory database (no {@link #restart()}): quicker, for tests that do not restart. */
    public static TicketRig inMemory(String deskLocalStart) {
        return new TicketRig(null, deskLocalStart);
    }

    /** @param dir where the H2 file lives (JUnit's @TempDir); null for an in-memory database */
    public TicketRig(Path dir, String deskLocalStart) {
        this.dir = dir;
        this.clock = new MutableClock(desk(deskLocalStart));
        this.phones = new RecordingPageChannel(clock);
        start();
        onCall(Role.PRIMARY, "Pat", PAT);
        onCall(Role.SECONDARY, "Sam", SAM);
        onCall(Role.TEAM_LEAD, "Lee", LEE);
        onCall(Role.VP_SERVICE, "Val", VAL);
    }

    public static Instant desk(String local) {
        return LocalDateTime.parse(local).atZone(DESK).toInstant();
    }

    private void start() {
        db = dir == null ? TestDatabase.inMemory() : TestDatabase.fileIn(dir);
        tx = db.transactions();
        senders = Executors.newFixedThreadPool(2);
        roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
        DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        PageDispatcher dispatcher = new PageDispatcher(tx, clock, phones.channels(), new RateLimit(10, Duration.ofMinutes(10)),
                delivery, Duration.ofSeconds(60), senders);
        engine = new EscalationEngine(tx, clock, Duration.ofMinutes(30), dispatcher);
        tickets = new TicketService(tx, clock, Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND,
                Duration.ofMinutes(30), ClockKind.RESOLVE, Duration.ofHours(1)), Duration.ofHours(72), () -> { });
        calendar = new CalendarService(tx, tickets::recomputeAll);
        ticketClocks = new TicketClockEngine(tx, clock, tickets, engine::runDue);
    }

    /** The process dies and starts again on the same database (nothing in memory survives). */
    public void restart() {
        if (dir == null) {
            throw new IllegalStateException("an in-memory rig cannot restart");
        }
        stop();
        start();
    }

    /** The process dies after deciding, before the outbox is sent: the next start sends it. */
    public void restartWithoutSending() {
        TicketClockEngine deciding = new TicketClockEngine(tx, clock, tickets, () -> { });
        deciding.runDue();
        deciding.close();
        restart();
    }

    private void stop() {
        ticketClocks.close();
        engine.close();
        senders.shutdownNow();
        db.close();
    }

    private void onCall(Role role, String name, String phone) {
        roster.addTechnician(new RosterService.NewTechnician(name, phone, null, null, "America/Winnipeg"));
        roster.setRotation(new RosterService.RotationSpec(role, List.of(name), "1w", "08:00", "UTC", "2026-01-01"));
    }

    /** The passes a wake-up runs: the ticket clocks, then the paging engine (which sends the outbox). */
    public void pass() {
        ticketClocks.runDue();
        engine.runDue();
    }

    /** Fails on any page nobody expected so far, moves the clock to a desk-local time, runs the passes. */
    public void at(String deskLocal) {
        phones.assertAllExpected();
        clock.set(desk(deskLocal));
        pass();
    }

    public RecordingPageChannel.Sent expectSms(String to, String text) {
        return phones.take(Channel.SMS, to, text);
    }

    public RecordingPageChannel.Sent expectCall(String to) {
        return phones.take(Channel.VOICE, to, "");
    }

    public void expectNothingElse() {
        phones.assertAllExpected();
    }

    @Override
    public void close() {
        try {
            phones.assertAllExpected();
        } finally {
            stop();
        }
    }
}
