package org.pagerline.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.config.SchedulerConfig;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.ClockKind;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketLife;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.service.CalendarService;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageDispatcher;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.service.SendResult;
import org.pagerline.service.TicketClockEngine;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.NamedPageChannel;
import org.pagerline.testkit.TestDatabase;

/**
 * Ticket clock benchmarks on an H2 file opened as the server opens it, with the real Quartz JDBC
 * store and the engines wired as the server wires them; a fake provider timestamps hand-overs.
 * Not a unit test: run scripts/bench-tickets.
 *
 * <ol>
 *   <li>N open tickets (P1, so each has a respond warning due 90 min after opening), warnings due
 *       spread over S seconds: lateness of each warning's hand-over to the provider after its due instant;</li>
 *   <li>N open P3/P4 tickets on the business calendar, then tomorrow made a holiday: time to work out
 *       every open ticket's deadlines again (CalendarService.addHoliday, which recomputes them).</li>
 * </ol>
 * Arguments: [tickets (10000)] [spread seconds (60)].
 */
public final class TicketBench {
    static final Map<Long, Long> HANDED = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        int spread = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        System.out.printf("load average at start: %.2f (%d cores)%n", load(), Runtime.getRuntime().availableProcessors());
        String part = args.length > 2 ? args[2] : "all";
        if (!part.equals("holiday")) {
            warningLateness(n, spread);
        }
        if (!part.equals("warnings")) {
            recomputeAfterHoliday(n);
        }
        System.out.printf("load average at end: %.2f%n", load());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the live threads whose names start with {@code prefix}. */
    static long threadCpu(String prefix) {
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith(prefix)) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static RosterService roster(Transactions tx, Clock clock) {
        RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
        String[][] people = {{"PRIMARY", "Pat", "+12045550101"}, {"TEAM_LEAD", "Lee", "+12045550103"},
            {"VP_SERVICE", "Val", "+12045550104"}};
        for (String[] p : people) {
            roster.addTechnician(new RosterService.NewTechnician(p[1], p[2], null, null, "UTC"));
            roster.setRotation(new RosterService.RotationSpec(Role.parse(p[0]), List.of(p[1]), "1w", "08:00", "UTC", "2026-01-01"));
        }
        return roster;
    }

    static TicketService tickets(Transactions tx, Clock clock, Runnable kick) {
        return new TicketService(tx, clock, Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND,
                Duration.ofMinutes(30), ClockKind.RESOLVE, Duration.ofHours(1)), Duration.ofHours(72), kick);
    }

    static void warningLateness(int n, int spread) throws Exception {
        System.out.println("(1) " + n + " open tickets, a respond warning each, due spread over " + spread + " s");
        Path dir = Files.createTempDirectory("pagerline-ticket-bench");
        Clock clock = Clock.systemUTC();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        PageChannel fake = new NamedPageChannel(Channel.SMS, "timestamp") {
            @Override
            public SendResult send(OutgoingPage p) {
                HANDED.putIfAbsent(p.ticketId(), System.currentTimeMillis());
                return SendResult.accepted("bench-" + p.pageId());
            }
        };
        TestDatabase db = TestDatabase.fileIn(dir);
        Transactions tx = db.transactions();
        roster(tx, clock);
        DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        PageDispatcher dispatcher = new PageDispatcher(tx, clock, Map.of(Channel.SMS, fake, Channel.VOICE, fake),
                new RateLimit(1000, Duration.ofSeconds(1)), delivery, Duration.ofSeconds(60), senders);
        EscalationEngine engine = new EscalationEngine(tx, clock, Duration.ofMinutes(30), dispatcher);
        TicketClockEngine[] clocks = new TicketClockEngine[1];
        TicketService tickets = tickets(tx, clock, () -> clocks[0].kick());
        clocks[0] = new TicketClockEngine(tx, clock, tickets, engine::kick);
        QuartzScheduler quartz = new QuartzScheduler(db.database().dataSource(), false, new SchedulerConfig(Duration.ofSeconds(30), 4),
                () -> {
                    clocks[0].runDue();
                    engine.runDue();
                });
        engine.attachWakeUps(quartz);
        clocks[0].attachWakeUps(quartz);
        quartz.start();

        Instant base = clock.instant().plusSeconds(30 + n / 80);   // writing the tickets first takes a while on a loaded machine
        Map<Long, Instant> warnOf = new ConcurrentHashMap<>();
        var levels = new CalendarService(tx).calendar();
        for (int from = 0; from < n; from += 500) {
            int start = from;
            tx.run(s -> {
                var lv = new org.pagerline.core.ticket.ServiceLevels(new org.pagerline.core.ticket.CountedTime(levels),
                        Duration.ofHours(6), Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND,
                        Duration.ofMinutes(30), ClockKind.RESOLVE, Duration.ofHours(1)), Duration.ofHours(72));
                for (int k = start; k < Math.min(n, start + 500); k++) {
                    Instant warn = base.plusMillis((long) k * spread * 1000 / n);
                    Instant opened = warn.minus(Duration.ofMinutes(90));   // P1 respond: 2 h, warned 30 min before
                    Ticket t = s.tickets().insert(new Ticket(0, opened, opened, TicketStatus.OPEN, TicketSource.PHONE, Priority.P1,
                            "+1204666" + String.format("%04d", k % 10000), "Bulk " + k, "Acme", "+12045559999", "bench"));
                    TicketLife l = TicketLife.opened(t.id(), TicketSource.PHONE, Priority.P1, opened, lv).life();
                    s.tickets().saveLife(l, l.nextCheck(), opened);
                    warnOf.put(t.id(), warn);
                }
            });
        }
        System.out.printf("    %d tickets written; first warning due in %d ms%n", warnOf.size(),
                Duration.between(clock.instant(), base).toMillis());
        long cpu0 = processCpuNanos();
        clocks[0].kick();
        // until a minute after the last warning is due (the first is due minutes after the start)
        long deadline = System.currentTimeMillis() + Duration.between(clock.instant(), base).toMillis() + (spread + 60) * 1000L;
        while (HANDED.size() < warnOf.size() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        // CPU, not wall time: on a machine shared with other builds the lateness says more about the load than
        // about the code; what each warning costs in CPU does not (its threads' own time, load or not)
        long cpu = processCpuNanos() - cpu0;
        System.out.printf("    CPU while handing over: whole process %.0f ms; ticket-clocks thread %.0f ms, paging engine"
                + " (dispatcher) thread %.0f ms, sender threads %.0f ms: %.2f ms of CPU per warning handed over (%d)%n",
                cpu / 1e6, threadCpu("ticket-clocks") / 1e6, threadCpu("engine-kick") / 1e6, threadCpu("pool-") / 1e6,
                HANDED.isEmpty() ? 0.0 : cpu / 1e6 / HANDED.size(), HANDED.size());
        List<Double> ms = new ArrayList<>();
        int missing = 0;
        for (Map.Entry<Long, Instant> e : warnOf.entrySet()) {
            Long at = HANDED.get(e.getKey());
            if (at == null) {
                missing++;
            } else {
                ms.add((double) (at - e.getValue().toEpochMilli()));
            }
        }
        if (missing > 0) {
            System.out.println("    " + missing + " warnings never handed over within the run");
        }
        long sms = tx.inTransaction(s -> s.tickets().clockDue(Instant.parse("9999-01-01T00:00:00Z"), Integer.MAX_VALUE)).size();
        PagingBench.report("warning hand-over lateness after due", ms, "ms");
        System.out.printf("    tickets still with a check scheduled: %d (their later respond and resolve deadlines)%n", sms);
        quartz.close();
        clocks[0].close();
        engine.close();
        senders.shutdownNow();
        db.close();
    }

    static void recomputeAfterHoliday(int n) throws Exception {
        System.out.println("(2) " + n + " open P3/P4 tickets on the business calendar; today (or the next weekday) made a holiday");
        Path dir = Files.createTempDirectory("pagerline-ticket-bench");
        Clock clock = Clock.systemUTC();
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            TicketService tickets = tickets(tx, clock, () -> { });
            CalendarService calendar = new CalendarService(tx, tickets::recomputeAll);
            var cal = calendar.calendar();
            var lv = new org.pagerline.core.ticket.ServiceLevels(new org.pagerline.core.ticket.CountedTime(cal), Duration.ofHours(6),
                    Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND, Duration.ofMinutes(30), ClockKind.RESOLVE,
                            Duration.ofHours(1)), Duration.ofHours(72));
            Instant now = clock.instant();
            for (int from = 0; from < n; from += 500) {
                int start = from;
                tx.run(s -> {
                    for (int k = start; k < Math.min(n, start + 500); k++) {
                        Instant opened = now.minus(Duration.ofMinutes(k % 240));
                        Priority p = k % 2 == 0 ? Priority.P3 : Priority.P4;
                        TicketSource src = k % 3 == 0 ? TicketSource.EMAIL : TicketSource.PORTAL;
                        Ticket t = s.tickets().insert(new Ticket(0, opened, opened, TicketStatus.OPEN, src, p, null, "Bulk " + k,
                                "Acme", null, "bench"));
                        TicketLife l = TicketLife.opened(t.id(), src, p, opened, lv).life();
                        s.tickets().saveLife(l, l.nextCheck(), opened);
                    }
                });
            }
            // warm the code paths once on a date far away (moves nothing), then the measured run
            calendar.addHoliday("2030-01-02", "warm-up");
            LocalDate tomorrow = LocalDate.ofInstant(now, cal.zone());   // today (or the next weekday): every deadline moves
            while (tomorrow.getDayOfWeek().getValue() > 5) {
                tomorrow = tomorrow.plusDays(1);
            }
            long r0 = System.nanoTime();
            List<TicketLife> all = tx.inTransaction(s -> s.tickets().livesNotClosed());
            long r1 = System.nanoTime();
            var cal2 = new org.pagerline.core.calendar.BusinessCalendar(cal.zone(), cal.windows(),
                    List.of(new org.pagerline.core.calendar.Holiday(tomorrow, "x")));
            var lv2 = new org.pagerline.core.ticket.ServiceLevels(new org.pagerline.core.ticket.CountedTime(cal2), Duration.ofHours(6),
                    Map.of(ClockKind.CONTACT, Duration.ofHours(1), ClockKind.RESPOND, Duration.ofMinutes(30), ClockKind.RESOLVE,
                            Duration.ofHours(1)), Duration.ofHours(72));
            int movedLines = 0;
            for (TicketLife l : all) {
                movedLines += l.calendarChanged(lv2).lines().size();
            }
            long r2 = System.nanoTime();
            System.out.printf("    of which (read apart, before): reading %d lives %.0f ms, working out %d tickets' deadlines %.0f ms%n",
                    all.size(), (r1 - r0) / 1e6, movedLines, (r2 - r1) / 1e6);
            var threads = ManagementFactory.getThreadMXBean();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            calendar.addHoliday(tomorrow.toString(), "bench holiday");   // recomputes on this thread, before it returns
            double took = (System.nanoTime() - t0) / 1e6;
            System.out.printf("    CPU time of the adding thread: %.0f ms (the wall time below includes waiting for a core)%n",
                    (threads.getCurrentThreadCpuTime() - c0) / 1e6);
            long moved = tx.inTransaction(s -> s.tickets().livesNotClosed().stream().filter(l -> s.tickets().events(l.ticketId())
                    .stream().anyMatch(e -> e.kind().equals("CLOCK_MOVED"))).count());
            System.out.printf("    holiday on %s added and every open ticket's deadlines worked out again: %.0f ms"
                    + " (%d of %d tickets' deadlines moved)%n", tomorrow, took, moved, n);
        }
    }
}
