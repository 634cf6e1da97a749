package org.pagerline.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.IncidentService;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PagingService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.service.WakeUps;

/**
 * A paging scenario, runbook style: people on call, a voicemail, the clock moved by hand, the
 * engine pass run, and every page expected by phone and words. Any page nobody expected fails the
 * test (checked before the clock moves and at the end).
 */
public final class PagingHarness implements AutoCloseable {
    public final MutableClock clock = MutableClock.at("2026-03-03T03:00:00Z");
    public final TestDatabase db;
    public final Transactions tx;
    public final RosterService roster;
    public final TicketService tickets;
    public final IncidentService incidents;
    public final PagingService paging;
    public final EscalationEngine engine;
    public final RecordingPageChannel phones = new RecordingPageChannel(clock);
    public final List<Instant> wakeUps = new ArrayList<>();
    private final ExecutorService senders = Executors.newFixedThreadPool(2);

    public static final Duration BACKOFF = Duration.ofSeconds(30);

    public PagingHarness() {
        this(new RateLimit(10, Duration.ofMinutes(10)));
    }

    public PagingHarness(RateLimit limit) {
        this(limit, TestDatabase.inMemory());
    }

    /** On this database (one whose lock timeout a test needs, say). */
    public PagingHarness(RateLimit limit, TestDatabase database) {
        db = database;
        tx = db.transactions();
        roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
        tickets = new TicketService(tx, clock);
        DeliveryPolicy delivery = new DeliveryPolicy(BACKOFF, Duration.ofMinutes(5), 3);
        incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { });
        paging = new PagingService(tx, clock, delivery, () -> { });
        PageDispatcher dispatcher = new PageDispatcher(tx, clock, phones.channels(), limit, delivery,
                Duration.ofSeconds(60), senders);
        engine = new EscalationEngine(tx, clock, Duration.ofMinutes(30), dispatcher);
        // every wake-up, near ones too, is only recorded: the scenario moves the clock and runs each pass
        engine.attachWakeUps(new WakeUps() {
            @Override
            public void wakeAt(Instant due) {
                wakeUps.add(due);
            }

            @Override
            public boolean takesNearWakeUps() {
                return true;
            }
        });
    }

    /** A technician on call for {@code role} (a one-person weekly rotation). */
    public Technician onCall(Role role, String name, String phone) {
        Technician t = roster.addTechnician(new RosterService.NewTechnician(name, phone, null, null, "UTC"));
        roster.setRotation(new RosterService.RotationSpec(role, List.of(name), "1w", "08:00", "UTC", "2026-01-01"));
        return t;
    }

    /** The default desk: Pat primary, Sam secondary, Lee team lead, Val VP. */
    public PagingHarness withDefaultRoster() {
        onCall(Role.PRIMARY, "Pat", PAT);
        onCall(Role.SECONDARY, "Sam", SAM);
        onCall(Role.TEAM_LEAD, "Lee", LEE);
        onCall(Role.VP_SERVICE, "Val", VAL);
        return this;
    }

    public static final String PAT = "+12045550101";
    public static final String SAM = "+12045550102";
    public static final String LEE = "+12045550103";
    public static final String VAL = "+12045550104";
    public static final String CALLER = "+12045559999";

    /** An urgent caller left a voicemail now; returns the incident id (no pass run yet). */
    public long voicemail(Priority priority) {
        return voicemailFrom(CALLER, "Jane Doe", "Acme", priority);
    }

    /** An urgent voicemail from this caller now (their open ticket, else a new one); returns the incident id. */
    public long voicemailFrom(String caller, String name, String company, Priority priority) {
        Ticket t = tickets.openOrReuse(TicketSource.PHONE, caller, name, company, Duration.ofHours(1));
        return incidents.openFromVoicemail(new VoicemailIncident(t.id(), priority, caller, name, company, caller,
                "/var/spool/asterisk/voicemail/urgent/msg0001", clock.instant()));
    }

    /** Runs the engine pass at the current instant. */
    public EscalationEngine.PassResult pass() {
        return engine.runDue();
    }

    /** Fails if any page went unexpected so far, then moves the clock and runs the pass. */
    public EscalationEngine.PassResult after(Duration d) {
        phones.assertAllExpected();
        clock.advance(d);
        return engine.runDue();
    }

    public RecordingPageChannel.Sent expectSms(String to, String text) {
        return phones.take(Channel.SMS, to, text);
    }

    public RecordingPageChannel.Sent expectCall(String to) {
        return phones.take(Channel.VOICE, to, "");
    }

    /** The SMS page and the paging call a step sends to one person. */
    public void expectPaged(String to, long incident) {
        expectSms(to, "Reply " + incident + "a");
        expectCall(to);
    }

    /** An urgent voicemail and its first step with the default roster: Pat and Sam paged by SMS and call. */
    public long voicemailPagingPatAndSam(Priority priority) {
        long id = voicemail(priority);
        pass();
        expectPaged(PAT, id);
        expectPaged(SAM, id);
        return id;
    }

    /** An SMS from {@code from} with these words, read as the SMS adapter reads them; the reply. */
    public String sms(String from, String body) {
        return paging.onSmsReply(from, org.pagerline.core.page.SmsCommand.parse(body));
    }

    /** A key pressed on paging call {@code pageId}, read as the voice adapters read it. */
    public org.pagerline.service.PageResponses.KeyOutcome key(long pageId, String digit) {
        return paging.onPageKey(pageId, org.pagerline.core.page.PageKey.of(digit));
    }

    public void expectNothingElse() {
        phones.assertAllExpected();
    }

    @Override
    public void close() {
        try {
            phones.assertAllExpected();
        } finally {
            engine.close();
            senders.shutdown();
            db.close();
        }
    }
}
