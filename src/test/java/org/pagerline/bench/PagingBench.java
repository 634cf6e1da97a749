package org.pagerline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.config.SchedulerConfig;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.IncidentService;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PagingService;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.SendResult;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.NamedPageChannel;
import org.pagerline.testkit.TestDatabase;

/**
 * Paging benchmarks on the real Quartz JDBC store and an H2 file, wired as the server wires them,
 * with a fake provider that timestamps each hand-over. Not a unit test: run scripts/bench-paging.
 *
 * <ol>
 *   <li>voicemail saved (openFromVoicemail returns... called) to the first page handed to the provider, 1,000 incidents;</li>
 *   <li>SMS acknowledgement at 200/s through PagingService.onSmsReply (service level: the signed webhook in
 *       front of it belongs to the Twilio adapter): reply to incident acknowledged and its pending pages cancelled;</li>
 *   <li>10,000 open incidents with a pending step, due instants spread over a minute: lateness of each
 *       step's hand-over after its due instant.</li>
 * </ol>
 * Every bulk page goes to one team lead, so the per-phone rate limit is set to 1,000 a second: it
 * never binds here, but its check still runs for each page.
 * Arguments: [incidents-for-1 (1000)] [open-incidents-for-3 (10000)] [spread-seconds-for-3 (60)].
 */
public final class PagingBench {
    /** First hand-over per incident: wall-clock instant and nanoTime. */
    static final Map<Long, long[]> FIRST = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int n1 = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int n3 = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        int spread = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Path dir = Files.createTempDirectory("pagerline-bench");
        Clock clock = Clock.systemUTC();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        PageChannel fake = new NamedPageChannel(Channel.SMS, "timestamp") {
            @Override
            public SendResult send(OutgoingPage p) {
                FIRST.putIfAbsent(p.incidentId(), new long[] {System.currentTimeMillis(), System.nanoTime()});
                return SendResult.accepted("bench-" + p.pageId());
            }
        };
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
            String[][] people = {{"PRIMARY", "Pat", "+12045550101"}, {"SECONDARY", "Sam", "+12045550102"},
                {"TEAM_LEAD", "Lee", "+12045550103"}, {"VP_SERVICE", "Val", "+12045550104"}};
            for (String[] p : people) {
                roster.addTechnician(new RosterService.NewTechnician(p[1], p[2], null, null, "UTC"));
                roster.setRotation(new RosterService.RotationSpec(Role.parse(p[0]), List.of(p[1]), "1w", "08:00", "UTC", "2026-01-01"));
            }
            DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
            PageDispatcher dispatcher = new PageDispatcher(tx, clock, Map.of(Channel.SMS, fake, Channel.VOICE, fake),
                    new RateLimit(1000, Duration.ofSeconds(1)), delivery, Duration.ofSeconds(60), senders);
            EscalationEngine engine = new EscalationEngine(tx, clock, Duration.ofMinutes(30), dispatcher);
            try (QuartzScheduler quartz = new QuartzScheduler(db.database().dataSource(), false, new SchedulerConfig(Duration.ofSeconds(30), 4),
                    engine::runDue)) {
                engine.attachWakeUps(quartz);
                quartz.start();
                IncidentService incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15),
                        engine::kick);
                PagingService paging = new PagingService(tx, clock, delivery, engine::kick);
                TicketService tickets = new TicketService(tx, clock);

                List<Long> opened = voicemailToFirstPage(n1, incidents, tickets, clock);
                smsAcks(opened, paging, 200);
                smsAcksThroughTheWebhook(incidents, tickets, paging, clock, tx);
                stepLateness(n3, spread, tx, clock, engine);
                System.out.flush();
                Runtime.getRuntime().halt(0);   // the figures are out; skip the slow scheduler shutdown of a throw-away database
            } finally {
                engine.close();
            }
        } finally {
            senders.shutdown();
        }
        System.exit(0);
    }

    /**
     * (2, end to end) Signed SMS acknowledgements at 200/s through the real HTTP endpoint and
     * /twilio/sms webhook (signature, replay ledger) into the real PagingService: each request acks
     * a different open incident, so each one acknowledges and cancels that incident's pending pages.
     */
    static void smsAcksThroughTheWebhook(IncidentService incidents, TicketService tickets, PagingService paging, Clock clock,
            Transactions tx) throws Exception {
        int rate = 200;
        int warm = 2;
        int seconds = 10;
        int n = rate * (warm + seconds);
        System.out.println("(2, end to end) signed SMS ack webhook -> incident acknowledged, pending pages cancelled: "
                + rate + "/s for " + seconds + " s after " + warm + " s warm-up, " + n + " open incidents");
        List<Long> ids = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Ticket t = tickets.openOrReuse(TicketSource.PHONE, "+1204556" + String.format("%04d", k), "Caller " + k, "Acme",
                    Duration.ZERO);
            ids.add(incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P2, t.callerNumber(), "Caller " + k,
                    "Acme", "+12045559999", "rec", clock.instant())));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!FIRST.keySet().containsAll(ids) && System.nanoTime() < deadline) {
            Thread.sleep(50); // waiting for the engine to page every incident before the acks start
        }
        SmsAckWebhookBench.Result r = SmsAckWebhookBench.run(paging,
                i -> new String[] {"+12045550101", ids.get((int) i) + "a"}, rate, Duration.ofSeconds(warm),
                Duration.ofSeconds(seconds));
        long acked = ids.stream().filter(id -> tx.inTransaction(s -> s.incidents().find(id)).map(
                i -> i.state() != org.pagerline.core.incident.IncidentState.OPEN).orElse(false)).count();
        System.out.println("    " + r + "; incidents no longer open: " + acked + " of " + n);
    }

    static List<Long> voicemailToFirstPage(int n, IncidentService incidents, TicketService tickets, Clock clock) {
        System.out.println("(1) voicemail saved -> first page handed to the provider, " + n + " incidents, one at a time");
        List<Double> ms = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Ticket t = tickets.openOrReuse(TicketSource.PHONE, "+1204555" + String.format("%04d", k), "Caller " + k, "Acme",
                    Duration.ZERO);
            long t0 = System.nanoTime();
            long id = incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P3, t.callerNumber(), "Caller " + k,
                    "Acme", "+12045559999", "rec", clock.instant()));
            long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
            while (!FIRST.containsKey(id) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            long[] first = FIRST.get(id);
            ms.add(first == null ? 10_000.0 : (first[1] - t0) / 1e6);
            ids.add(id);
        }
        report("voicemail->first page", ms, "ms");
        return ids;
    }

    static void smsAcks(List<Long> ids, PagingService paging, int perSecond) throws Exception {
        System.out.println("(2) SMS ack through PagingService.onSmsReply (service level), " + ids.size() + " acks at "
                + perSecond + "/s");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Double>> results = new ArrayList<>();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / perSecond;
        for (int k = 0; k < ids.size(); k++) {
            long due = start + k * interval;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            long id = ids.get(k);
            String from = k % 2 == 0 ? "+12045550101" : "+12045550102";
            results.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                String answer = paging.onSmsReply(from, org.pagerline.core.page.SmsCommand.parse(id + "a"));
                if (!answer.contains("is yours")) {
                    throw new IllegalStateException("unexpected answer: " + answer);
                }
                return (System.nanoTime() - t0) / 1e6;
            }));
        }
        List<Double> ms = new ArrayList<>();
        for (Future<Double> f : results) {
            ms.add(f.get());
        }
        double took = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("    achieved %.0f acks/s%n", ids.size() / took);
        report("sms ack -> acknowledged + pages cancelled", ms, "ms");
    }

    static void stepLateness(int n, int spreadSeconds, Transactions tx, Clock clock, EscalationEngine engine) {
        System.out.println("(3) " + n + " open incidents, each with its team-lead step due, spread over " + spreadSeconds + " s");
        Instant base = clock.instant().plusSeconds(10);
        Map<Long, Instant> dueOf = new ConcurrentHashMap<>();
        for (int from = 0; from < n; from += 500) {
            int start = from;
            tx.run(s -> {
                for (int k = start; k < Math.min(n, start + 500); k++) {
                    Instant now = clock.instant();
                    Ticket t = s.tickets().insert(new Ticket(0, now, now, TicketStatus.OPEN, TicketSource.PHONE, Priority.P3,
                            "+1204666" + String.format("%04d", k % 10000), "Bulk " + k, "Acme", "+12045559999", null));
                    Instant due = base.plusMillis((long) k * spreadSeconds * 1000 / n);
                    Incident i = s.incidents().insert(Incident.open(t.id(), Priority.P3, new Incident.Caller(t.callerNumber(),
                            t.callerName(), "Acme", "+12045559999", "rec"), now, now, Duration.ZERO, Duration.ofHours(6), null,
                            Duration.ofMinutes(15)).edit().escalation(1, 0, due).build());
                    dueOf.put(i.id(), due);
                }
            });
        }
        engine.kick();   // the engine schedules its wake-up for the first due instant
        long deadline = System.currentTimeMillis() + (spreadSeconds + 60) * 1000L;
        while (dueOf.keySet().stream().anyMatch(id -> !FIRST.containsKey(id)) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
        List<Double> ms = new ArrayList<>();
        int missing = 0;
        for (Map.Entry<Long, Instant> e : dueOf.entrySet()) {
            long[] first = FIRST.get(e.getKey());
            if (first == null) {
                missing++;
            } else {
                ms.add((double) (first[0] - e.getValue().toEpochMilli()));
            }
        }
        if (missing > 0) {
            System.out.println("    " + missing + " steps never handed over within the run");
        }
        report("step hand-over lateness after due", ms, "ms");
    }

    static void report(String what, List<Double> values, String unit) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        System.out.printf("    %s: n=%d p50=%.1f%s p90=%.1f%s p99=%.1f%s max=%.1f%s%n", what, v.size(), pct(v, 50), unit,
                pct(v, 90), unit, pct(v, 99), unit, v.isEmpty() ? 0 : v.get(v.size() - 1), unit);
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
