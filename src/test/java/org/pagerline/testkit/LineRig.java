package org.pagerline.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.pagerline.adapter.agi.AcceptScript;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.agi.FallbackMessageScript;
import org.pagerline.adapter.agi.SupportLineScript;
import org.pagerline.config.AgiConfig;
import org.pagerline.config.LineConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.service.CallService;
import org.pagerline.service.ClientService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;

/**
 * The support line for scenario tests and the benchmark: a migrated database, a hand-moved clock,
 * the real services and the real FastAGI listener on a free loopback port, a recording
 * IncidentOpener, and a {@link FakeAsterisk} pointed at it.
 */
public final class LineRig implements AutoCloseable {
    public final MutableClock clock;
    public final TestDatabase db;
    public final Transactions tx;
    public final TicketService tickets;
    public final ClientService clients;
    public final RosterService roster;
    public final CallService calls;
    public final RecordingIncidentOpener incidents = new RecordingIncidentOpener();
    public final LineConfig config;
    public final AgiListener listener;
    public final int port;
    public final FakeAsterisk asterisk;
    /** The callers held on the line's own work, as counted: "start:served", "message:fallback", ... */
    public final java.util.Queue<String> holds = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private LineRig(String isoInstant, TestDatabase db, int maxCalls, Map<String, String> lineSettings) {
        this(isoInstant, db, maxCalls, lineSettings, Map.of(), t -> t);
    }

    /**
     * @param agiSettings agi.* keys (e.g. agi.allow); bind and port are the rig's own
     * @param around      wraps the database's transactions (a test holding commits back)
     */
    private LineRig(String isoInstant, TestDatabase db, int maxCalls, Map<String, String> lineSettings,
            Map<String, String> agiSettings, java.util.function.UnaryOperator<Transactions> around) {
        this.clock = MutableClock.at(isoInstant);
        this.db = db;
        this.tx = around.apply(db.transactions());
        PhoneNumbers phones = new PhoneNumbers("CA");
        this.config = LineConfig.from(Settings.ofMap(lineSettings));
        this.tickets = new TicketService(tx, clock);
        this.clients = new ClientService(tx, phones, clock);
        this.roster = new RosterService(tx, phones, clock);
        this.calls = new CallService(tx, tickets, phones, incidents, clock, config.ticketReuseWindow(),
                config.callbackDeadline(), config.callbackRegions(), "local", new org.pagerline.service.Metrics() {
                    @Override
                    public void callerHeld(String at, String result) {
                        holds.add(at + ":" + result);
                    }
                });
        this.port = Ports.free();
        Map<String, String> agi = new java.util.HashMap<>(agiSettings);
        agi.put("agi.bind", "127.0.0.1");
        agi.put("agi.port", Integer.toString(port));
        agi.put("agi.max-calls", Integer.toString(maxCalls));
        this.listener = new AgiListener(AgiConfig.from(Settings.ofMap(agi)), Map.of(
                SupportLineScript.NAME, new SupportLineScript(calls, config),
                AcceptScript.NAME, new AcceptScript(calls, 1000, config.holdAfter()),
                FallbackMessageScript.NAME, new FallbackMessageScript(calls, config.recordingsDir(), config.waitLimit())));
        listener.start();
        this.asterisk = new FakeAsterisk("127.0.0.1", port, Duration.ofSeconds(10), this::awaitSaved);
    }

    /** At {@code isoInstant} (e.g. "2026-11-23T10:00:00-06:00"), in-memory database. */
    public static LineRig at(String isoInstant) {
        return new LineRig(isoInstant, TestDatabase.inMemory(), 100, Map.of());
    }

    public static LineRig at(String isoInstant, TestDatabase db, int maxCalls, Map<String, String> lineSettings) {
        return new LineRig(isoInstant, db, maxCalls, lineSettings);
    }

    /** In-memory database, with agi.* settings for the listener (agi.allow, agi.drain-time). */
    public static LineRig withAgi(String isoInstant, Map<String, String> agiSettings) {
        return new LineRig(isoInstant, TestDatabase.inMemory(), 100, Map.of(), agiSettings, t -> t);
    }

    /** In-memory database whose transactions go through {@code around} (e.g. to hold commits back). */
    public static LineRig withTransactions(String isoInstant, java.util.function.UnaryOperator<Transactions> around) {
        return new LineRig(isoInstant, TestDatabase.inMemory(), 100, Map.of(), Map.of(), around);
    }

    /** In-memory database, line.* settings, transactions through {@code around}. */
    public static LineRig withTransactions(String isoInstant, Map<String, String> lineSettings,
            java.util.function.UnaryOperator<Transactions> around) {
        return new LineRig(isoInstant, TestDatabase.inMemory(), 100, lineSettings, Map.of(), around);
    }

    /** Adds a technician and makes them the primary on call (one-person weekly rotation). */
    public Technician primary(String name, String phone) {
        Technician t = roster.addTechnician(new RosterService.NewTechnician(name, phone, null, null, "America/Winnipeg"));
        roster.setRotation(new RosterService.RotationSpec(Role.PRIMARY, List.of(name), "1w", "08:00", "America/Winnipeg",
                "2026-11-01"));
        return t;
    }

    /** Waits until the calls' progress handed to the journal so far is written. */
    public void awaitSaved() {
        if (!calls.awaitSaved(Duration.ofSeconds(30))) {
            throw new AssertionError("the calls' progress was not written within 30 s");
        }
    }

    public Duration promptTimeout() {
        return config.promptTimeout();
    }

    @Override
    public void close() {
        listener.close();
        calls.close();
        db.close();
    }
}
