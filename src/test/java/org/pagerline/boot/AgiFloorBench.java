package org.pagerline.boot;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import org.asteriskjava.fastagi.command.AbstractAgiCommand;
import org.pagerline.cli.simulate.AgiCommandLine;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.roster.Role;
import org.pagerline.service.RosterService;
import org.pagerline.testkit.Ports;

/**
 * The support line under load beside its floor, in one run (loopback only; not a test: it never
 * runs in {@code mvn verify}). Run with {@code scripts/bench-agi [seconds-per-run=6]}.
 *
 * <p>pagerline is started as {@code pagerline server} starts it ({@link Wiring#server}: the H2 file
 * database in a fresh data directory with its generated password and WRITE_DELAY=0, Quartz's JDBC
 * store, the engine, the log page channel; with {@code PAGERLINE_TEST_PG_URL} set, a second
 * pagerline runs on PostgreSQL in a schema of its own). The floor is asterisk-java's own
 * {@link DefaultAgiServer} with a script that sends, for each path, the very command lines
 * pagerline sent on that path (captured from pagerline's first call of it) and does nothing else.
 *
 * <p>A load generator plays Asterisk over TCP on one NIO thread: each of N callers places a call,
 * answers every command as Asterisk 22 would (keys for GET DATA, DIALSTATUS NOANSWER, the queue
 * answered at once, RECORD FILE's endpos), and places the next when the server closes the
 * connection. Paths: message (out of hours, leaves a message), urgent (P1, the technician does not
 * answer, voicemail and incident), queue (in hours, answered). "AGI command" is the time from
 * writing a reply (or the environment) to reading the next command: what a caller hears as silence.
 * CPU per call is the process's CPU time over the run less the generator thread's, per call.
 * Then 2,000 calls are held in the queue at once (arriving at 500/s, leaving at 500/s) on each.
 */
public final class AgiFloorBench {
    static final String WARM_UP_OUT_OF_HOURS = "2026-11-23T21:00:00-06:00";
    static final String WARM_UP_IN_HOURS = "2026-11-24T10:00:00-06:00";
    static final String OUT_OF_HOURS = "2026-11-24T21:00:00-06:00";
    static final String IN_HOURS = "2026-11-25T10:00:00-06:00";
    static final String OUT_OF_HOURS_AGAIN = "2026-11-25T21:00:00-06:00";

    /** BENCH_PATHS (e.g. "message,urgent"): only these paths are measured (all three when unset). */
    static final List<String> ONLY_PATHS = System.getenv().getOrDefault("BENCH_PATHS", "").isBlank() ? List.of()
            : List.of(System.getenv("BENCH_PATHS").toLowerCase(Locale.ROOT).split(","));
    /** BENCH_BY_COMMAND=1: after each run, the five commands of a call a caller waits longest for. */
    static final boolean BY_COMMAND = System.getenv("BENCH_BY_COMMAND") != null;
    /** BENCH_BY_THREAD=1: after each counted run, the CPU per call by thread group, the JVM's own (GC, JIT) too. */
    static final boolean BY_THREAD = System.getenv("BENCH_BY_THREAD") != null;
    /**
     * BENCH_SQL_STATS=1 (H2 file): the statements pagerline ran in each counted run, per call, with
     * H2's own count and time of each ({@code INFORMATION_SCHEMA.QUERY_STATISTICS}): which of them a
     * call costs most. H2 times each statement as it runs, so the run itself is a little slower.
     */
    static final boolean SQL_STATS = System.getenv("BENCH_SQL_STATS") != null;

    /**
     * Which command a line is: the verb, and for a variable, an application or a menu the first
     * argument ("SET VARIABLE PAGERLINE_TICKET"); not the digits said or the file recorded.
     */
    static String commandName(String line) {
        AgiCommandLine cmd = AgiCommandLine.parse(line);
        boolean named = List.of("SET VARIABLE", "GET VARIABLE", "EXEC", "GET DATA").contains(cmd.verb());
        return cmd.verb() + (named && !cmd.args().isEmpty() ? " " + cmd.arg(0) : "");
    }

    /** BENCH_CALLERS (e.g. "500"): the concurrent callers measured (50 and 500 when unset). */
    static final int[] CONCURRENCIES = Arrays.stream(System.getenv().getOrDefault("BENCH_CALLERS", "50,500").split(","))
            .mapToInt(x -> Integer.parseInt(x.trim())).toArray();

    /**
     * BENCH_PACED=1: the generator answers as Asterisk takes its time (a prompt played, keys pressed,
     * a message recorded, a phone ringing unanswered, a wait in the queue: {@link Generator#pace}),
     * so N callers bring the load an outage brings instead of calling back to back. Calls then last
     * about a minute: give seconds-per-run of 40 or more.
     */
    static final boolean PACED = "1".equals(System.getenv("BENCH_PACED"));

    enum Path0 {
        MESSAGE(OUT_OF_HOURS, "2", "1", "1"), QUEUE(IN_HOURS, "2"), URGENT(OUT_OF_HOURS_AGAIN, "1", "1", "1");

        final String at;
        final List<String> presses;

        Path0(String at, String... presses) {
            this.at = at;
            this.presses = List.of(presses);
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A clock set to a chosen moment that then runs at the real pace; moved forward between runs. */
    static final class BenchClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void set(String iso) {
            offset = Duration.between(Instant.now(), java.time.OffsetDateTime.parse(iso).toInstant());
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    /** A command line sent as is. */
    static final class RawCommand extends AbstractAgiCommand {
        private static final long serialVersionUID = 1L;
        private final String line;

        RawCommand(String line) {
            this.line = line;
        }

        @Override
        public String buildCommand() {
            return line;
        }
    }

    /** The floor's script: the command lines pagerline sent on this path, nothing else. */
    static final class FloorScript implements AgiScript {
        final Map<String, List<String>> lines = new ConcurrentHashMap<>();

        @Override
        public void service(AgiRequest request, AgiChannel channel) throws AgiException {
            List<String> script = lines.get(request.getScript());
            for (String l : script) {
                channel.sendCommand(new RawCommand(l));
            }
        }
    }

    /** A server measured; {@code pagerline} null for the floor. */
    record Target(String name, int port, String script, AutoCloseable stop, PagerlineServer pagerline) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int held = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        if (seconds < 2 || seconds > 60 || held < 0 || held > 2000) {
            throw new IllegalArgumentException("seconds-per-run 2..60, held 0..2000 (0: none)");
        }
        System.setProperty("pagerline.log.level", "WARN");
        System.out.printf("machine: %d cores, load average %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                loadAverage(), System.getProperty("java.version"));
        List<Row> rows = new ArrayList<>();
        BenchClock clock = new BenchClock();
        Path dir = Files.createTempDirectory("bench-agi");
        List<Target> pagerlines = new ArrayList<>();
        pagerlines.add(pagerline("pagerline (H2 file)", dir.resolve("h2"), Map.of(), clock));
        String pg = System.getenv("PAGERLINE_TEST_PG_URL");
        String schema = "bench_agi_" + ProcessHandle.current().pid();
        if (pg != null && !pg.isBlank()) {
            try (Connection c = DriverManager.getConnection(pg, "pagerline_test", "pagerline_test");
                    Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            Map<String, String> env = Map.of("PAGERLINE_DB_PASSWORD", "pagerline_test");
            pagerlines.add(pagerline("pagerline (PostgreSQL)", dir.resolve("pg"), Map.of("db.url",
                    pg + (pg.contains("?") ? "&" : "?") + "currentSchema=" + schema, "db.user", "pagerline_test"), clock,
                    env));
        }
        if (System.getenv("BENCH_LOCK_WATCH") != null) {
            watchLocks(pagerlines.get(0));
        }
        FloorScript floorScript = new FloorScript();
        Target floor = floor(floorScript);
        try {
            Generator gen = new Generator();
            // warm-up, not counted: the first seconds of a fresh server (the JIT, the pool, H2's caches)
            // are not its steady state. The clock only moves forward, and the urgent path (the only one
            // that opens incidents, which the engine then escalates) comes last.
            for (Path0 path : List.of(Path0.MESSAGE, Path0.QUEUE)) {
                clock.set(path == Path0.MESSAGE ? WARM_UP_OUT_OF_HOURS : WARM_UP_IN_HOURS);
                for (Target p : pagerlines) {
                    floorScript.lines.putIfAbsent(path.wire(), gen.capture(p, path));
                }
                for (Target t : targets(pagerlines, floor)) {
                    gen.run(t, path, 50, 4);
                }
                settle(gen, pagerlines, floor, path, SETTLE_MAX_SECONDS / 2);
            }

            for (Path0 path : List.of(Path0.MESSAGE, Path0.QUEUE, Path0.URGENT)) {
                if (!ONLY_PATHS.isEmpty() && !ONLY_PATHS.contains(path.wire())) {
                    continue;
                }
                clock.set(path.at);
                decideClocksTheJumpMadeDue(pagerlines);
                for (Target p : pagerlines) {
                    List<String> lines = gen.capture(p, path);
                    floorScript.lines.putIfAbsent(path.wire(), lines);
                }
                // warm-up, not counted: the JIT compiles both servers' paths (the urgent path's own
                // code, the incidents and the paging, until it has settled)
                if (path == Path0.URGENT) {
                    settle(gen, pagerlines, floor, path, SETTLE_MAX_SECONDS / 2);
                } else {
                    shortWarmUp(gen, pagerlines, floor, path);
                }
                gen.pacing = PACED;
                gen.counted = true;
                for (int n : CONCURRENCIES) {
                    for (Target t : targets(pagerlines, floor)) {
                        settleBefore(gen, pagerlines, t, path, n);
                        resolveOpenIncidents(pagerlines);
                        quiesce();
                        try (CountedWindow jfr = CountedWindow.open(t, path.wire(), n)) {
                            rows.add(gen.run(t, path, n, seconds));
                        }
                        System.out.println(rows.get(rows.size() - 1));
                    }
                }
                gen.pacing = false;
                gen.counted = false;
                if (path == Path0.QUEUE && held > 0) {
                    for (Target t : targets(pagerlines, floor)) {
                        quiesce();
                        rows.add(gen.hold(t, held));
                        System.out.println(rows.get(rows.size() - 1));
                    }
                }
            }
        } finally {
            for (Target t : pagerlines) {
                t.stop().close();
            }
            floor.stop().close();
            if (pg != null && !pg.isBlank()) {
                try (Connection c = DriverManager.getConnection(pg, "pagerline_test", "pagerline_test");
                        Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
            if (System.getenv("BENCH_KEEP_DATA") == null) {
                deleteTree(dir);
            } else {
                System.out.printf("data directory kept (BENCH_KEEP_DATA): %s%n", dir);
            }
        }
        report(rows);
        System.out.printf("transactions or pieces that lost a deadlock and were tried again, in the whole run (warm-ups"
                + " too): %d%n", org.pagerline.adapter.store.JdbcTransactions.conflictsRetried());
        System.out.printf("pieces of the call journal that found their ticket held by another transaction and were"
                + " written on their own, in the whole run (warm-ups too): %d%n",
                org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld());
        System.out.printf("load average at the end: %s%n", loadAverage());
    }

    /**
     * The run's data directory, gone with the run: its H2 file grows to a few GB under the
     * 500-caller runs (left behind, a few dozen runs filled this machine's disk).
     */
    private static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * With a flight recording running (BENCH_JAVA_OPTS="-XX:StartFlightRecording=..."), the wall
     * clock times each counted run began and ended, to read its events alone: the whole recording
     * is mostly the warm-up, whose callers' numbers come round again (their voicemails join
     * incidents still open, a path the counted runs hardly take). A recording started for the
     * counted run instead would be no measure: starting one deoptimizes the compiled code, and C2
     * took 2.6 ms of CPU per urgent call in the run that tried it.
     */
    static final class CountedWindow implements AutoCloseable {
        private final String what;
        private final Instant began = Instant.now();

        private CountedWindow(String what) {
            this.what = what;
        }

        static CountedWindow open(Target t, String path, int callers) {
            boolean recording = jdk.jfr.FlightRecorder.isInitialized()
                    && !jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings().isEmpty();
            return recording ? new CountedWindow(t.name() + " " + path + " " + callers) : null;
        }

        @Override
        public void close() {
            System.out.printf("flight recording window of the counted run %s: %s %s%n", what, began, Instant.now());
        }
    }

    private static List<Target> targets(List<Target> pagerlines, Target floor) {
        List<Target> all = new ArrayList<>(pagerlines);
        all.add(floor);
        return all;
    }

    /**
     * Warm-up until the JIT has settled, not counted: a server that has been up a while has its
     * paths compiled. Rounds of one path at the most callers measured, on every server, until a
     * round's compiling is under a tenth of one core, at most {@code maxSeconds} (the clock is the
     * caller's to set); the line printed says which ended it. On this machine C2 compiled about
     * half a core's worth for 60 s on the message path and 90 s on the urgent path after a fresh
     * start (the rounds of 2026-12-05, 22:30 UTC), and a counted run inside that paid for it: C2
     * took 0.4-0.55 ms of CPU per urgent call in the counted runs after a 45 s warm-up, 0.01-0.16 ms
     * after one that settled.
     */
    static void settle(Generator gen, List<Target> pagerlines, Target floor, Path0 path, int maxSeconds)
            throws IOException {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            shortWarmUp(gen, pagerlines, floor, path); // no way to tell when the JIT has settled
            return;
        }
        settle(jit, gen, pagerlines, targets(pagerlines, floor), path, SETTLE_CALLERS, maxSeconds, "warm-up, " + path.wire() + " path");
    }

    /**
     * Before each counted run, rounds of that run alone (its server, path and callers, not counted)
     * until the JIT has settled again, at most {@link #RESETTLE_MAX_SECONDS}. The runs before it
     * (the other server's, and the same path at another number of callers) change what the code
     * meets, and the JIT may throw compiled code away and compile it again: in a whole run on
     * 2026-12-06 (02:09, 9a576a1) C2 took 0.21 ms of CPU per call in the counted urgent run at 500
     * callers, which came after the 50-caller runs, and its p99 was 64.6 ms (the second half alone
     * 47.4); in the runs with 0.01-0.02 ms it was 38.7 and 44.7 ms.
     */
    static void settleBefore(Generator gen, List<Target> pagerlines, Target t, Path0 path, int callers) throws IOException {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        boolean pacing = gen.pacing;
        boolean counted = gen.counted;
        gen.pacing = false;
        gen.counted = false;
        try {
            settle(jit, gen, pagerlines, List.of(t), path, callers, RESETTLE_MAX_SECONDS,
                    "  before " + t.name() + " " + path.wire() + " " + callers);
        } finally {
            gen.pacing = pacing;
            gen.counted = counted;
        }
    }

    /** The longest {@link #settleBefore}: rounds of 2 s; one is enough when nothing compiles. */
    static final int RESETTLE_MAX_SECONDS = 40;

    /** Rounds of {@code path} at {@code callers} on each of {@code who} until one compiles under a tenth of a core. */
    private static void settle(java.lang.management.CompilationMXBean jit, Generator gen, List<Target> pagerlines,
            List<Target> who, Path0 path, int callers, int maxSeconds, String what) throws IOException {
        long t0 = System.nanoTime();
        long compiling = 0;
        int rounds = 0;
        boolean settled = false;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(maxSeconds)) {
            if (path == Path0.URGENT) {
                // as before each counted run: the generator's callers' numbers come round again
                // (10,000 of them), and a voicemail on a ticket whose incident is open joins it, a
                // path the counted runs hardly take; the JIT is to learn theirs. Not counted against
                // the limit.
                long r = System.nanoTime();
                resolveOpenIncidents(pagerlines, true);
                t0 += System.nanoTime() - r;
            }
            long c0 = jit.getTotalCompilationTime();
            long r0 = System.nanoTime();
            for (Target t : who) {
                gen.run(t, path, callers, 2);
            }
            rounds++;
            compiling = jit.getTotalCompilationTime() - c0;
            if (System.getenv("BENCH_SETTLE_TRACE") != null) {
                System.out.printf("  warm-up round %d: %.1f s, the JIT compiled %d ms%n", rounds,
                        (System.nanoTime() - r0) / 1e9, compiling);
            }
            if (compiling * 10 < TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r0)) {
                settled = true;
                break;
            }
        }
        System.out.printf("%s, %s: %d round(s), %.0f s; the JIT compiled %d ms in the last round%n",
                what, settled ? "until the JIT settled" : "the JIT had NOT settled at the limit of " + maxSeconds + " s",
                rounds, (System.nanoTime() - t0) / 1e9, compiling);
    }

    /** 2 s of the path at 50 callers on every server, not counted. */
    static void shortWarmUp(Generator gen, List<Target> pagerlines, Target floor, Path0 path) throws IOException {
        for (Target t : targets(pagerlines, floor)) {
            gen.run(t, path, 50, 2);
        }
    }

    /** Concurrent callers in the warm-up's rounds: the most measured, so the JIT sees the paths a busy line takes. */
    static final int SETTLE_CALLERS = Arrays.stream(CONCURRENCIES).max().orElse(50);

    /**
     * The longest warm-up: the message and queue paths have half each, the urgent path half again
     * (BENCH_SETTLE_SECONDS; the rounds it takes are printed with BENCH_SETTLE_TRACE=1).
     */
    static final int SETTLE_MAX_SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_SETTLE_SECONDS", "300"));

    /**
     * BENCH_LOCK_WATCH=1 (H2 file): every 2 s, H2's sessions that hold uncommitted work and have
     * been idle, or blocked, for over 5 s, with the statement and the session blocking them; at
     * the first, the stacks of the server's database threads (journal, engine, clocks). For a row
     * lock held for minutes (README, 2026-12-04): whose open transaction holds it, and where.
     */
    static void watchLocks(Target t) {
        Thread w = new Thread(() -> {
            boolean dumped = false;
            while (true) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
                List<String> odd = new ArrayList<>();
                try (Connection c = t.pagerline().connection();
                        Statement st = c.createStatement();
                        java.sql.ResultSet rs = st.executeQuery("SELECT SESSION_ID, SESSION_STATE, BLOCKER_ID,"
                                + " SLEEP_SINCE, EXECUTING_STATEMENT_START, EXECUTING_STATEMENT FROM INFORMATION_SCHEMA.SESSIONS"
                                + " WHERE CONTAINS_UNCOMMITTED AND ((SESSION_STATE = 'SLEEP' AND SLEEP_SINCE < DATEADD(SECOND, -5, CURRENT_TIMESTAMP))"
                                + " OR (BLOCKER_ID IS NOT NULL AND EXECUTING_STATEMENT_START < DATEADD(SECOND, -5, CURRENT_TIMESTAMP)))")) {
                    while (rs.next()) {
                        odd.add("session " + rs.getLong(1) + " " + rs.getString(2) + " blocked by " + rs.getString(3)
                                + ", idle since " + rs.getString(4) + ", statement since " + rs.getString(5) + ": "
                                + rs.getString(6));
                    }
                } catch (java.sql.SQLException | RuntimeException e) {
                    continue; // the server is stopping, or not H2
                }
                if (odd.isEmpty()) {
                    continue;
                }
                System.out.println("(lock watch, " + java.time.Instant.now() + ": " + String.join("; ", odd) + ")");
                if (!dumped) {
                    dumped = true;
                    Thread.getAllStackTraces().forEach((th, stack) -> {
                        if (th.getName().matches("call-journal-.*|engine-kick|ticket-clocks|page-send.*")) {
                            StringBuilder b = new StringBuilder("  " + th.getName() + " " + th.getState() + ":");
                            for (StackTraceElement f : stack) {
                                b.append("\n    at ").append(f);
                            }
                            System.out.println(b);
                        }
                    });
                }
            }
        }, "bench-lock-watch");
        w.setDaemon(true);
        w.start();
    }

    /**
     * Resolves every incident still open on the pagerlines (as the desk would once an outage is
     * over), so a counted run carries the paging its own calls start and no other: an incident
     * pages again at each step of its policy until someone answers, so the incidents of the runs
     * before (the urgent warm-up opens thousands) would page during whichever server's run their
     * steps fell in, the floor's too (once 0.55 ms of a core per floor call). The voicemails still
     * being written are waited for first. An incident that cannot be resolved (it kept changing
     * under the engine) is left and counted: it is one more page, not a reason to stop the run.
     */
    static void resolveOpenIncidents(List<Target> pagerlines) {
        resolveOpenIncidents(pagerlines, false);
    }

    /**
     * The clock jumps a day between paths, and every message of the warm-up runs its ticket's
     * contact clock (six business hours): after the jump to a path's time the warm-up's 10,000
     * tickets are warned about and missed at once, work that would have been done hours earlier on
     * a real desk (and that the floor does not do). So before the path's runs each server's ticket
     * engine decides what is due (its notices written), and the notices it wrote are set aside in
     * the outbox (CANCELLED, saying why) rather than sent, a digest at a time, during the counted
     * runs. Says how many.
     */
    static void decideClocksTheJumpMadeDue(List<Target> pagerlines) {
        for (Target t : pagerlines) {
            t.pagerline().services().calls().awaitSaved(Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            t.pagerline().runEnginePass();
            int setAside;
            try (java.sql.Connection c = t.pagerline().connection();
                    java.sql.PreparedStatement st = c.prepareStatement("UPDATE pages SET state='CANCELLED', last_error="
                            + "'bench: a warm-up ticket''s notice, due at the clock''s jump' WHERE state='PENDING'"
                            + " AND kind='NOTICE' AND incident_id IS NULL")) {
                setAside = st.executeUpdate();
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            if (setAside > 0) {
                System.out.printf(Locale.ROOT, "(%s: the warm-up's tickets' clocks decided at the clock's jump in %.1f s; %d"
                        + " of their notices set aside)%n", t.name(), (System.nanoTime() - t0) / 1e9, setAside);
            }
        }
    }

    static void resolveOpenIncidents(List<Target> pagerlines, boolean quietly) {
        for (Target t : pagerlines) {
            var services = t.pagerline().services();
            if (!services.calls().awaitSaved(Duration.ofSeconds(60))) {
                System.out.println("(" + t.name() + ": the journal still had work after 60 s)");
            }
            long t0 = System.nanoTime();
            int n = 0;
            java.util.Set<Long> left = new java.util.HashSet<>();
            for (List<org.pagerline.core.incident.Incident> open = services.incidents().list(1000, true);
                    open.stream().anyMatch(i -> !left.contains(i.id())); open = services.incidents().list(1000, true)) {
                for (var i : open) {
                    if (left.contains(i.id())) {
                        continue;
                    }
                    try {
                        services.incidents().resolve(i.id());
                        n++;
                    } catch (RuntimeException e) {
                        left.add(i.id());
                    }
                }
            }
            if (!quietly && n > 0 || !left.isEmpty()) {
                System.out.printf(Locale.ROOT, "(%s: %d open incidents resolved in %.1f s%s)%n", t.name(), n,
                        (System.nanoTime() - t0) / 1e9, left.isEmpty() ? "" : "; " + left.size() + " could not be");
            }
        }
    }

    /**
     * Waits (60 s at most) until this process is idle: a server's work after its run (the urgent
     * path's incidents are paged for a while after the last call) must not be counted against the
     * next server measured.
     */
    static void quiesce() throws InterruptedException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            long cpu = os.getProcessCpuTime();
            Thread.sleep(500);
            if (os.getProcessCpuTime() - cpu < TimeUnit.MILLISECONDS.toNanos(50)) {
                return; // under a tenth of a core
            }
        }
        System.out.println("(still busy after 60 s: measuring anyway)");
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Target pagerline(String name, Path data, Map<String, String> extra, BenchClock clock) throws Exception {
        return pagerline(name, data, extra, clock, Map.of());
    }

    private static Target pagerline(String name, Path data, Map<String, String> extra, BenchClock clock,
            Map<String, String> env) throws Exception {
        int agiPort = Ports.free();
        Map<String, String> file = new HashMap<>();
        file.put("data.dir", data.toString());
        file.put("http.port", "0");
        file.put("agi.port", Integer.toString(agiPort));
        String h2Settings = System.getenv().getOrDefault("BENCH_H2_SETTINGS", "");
        if (!h2Settings.isBlank() && extra.isEmpty()) {
            // an experiment: the server's default H2 URL with more settings (";CACHE_SIZE=65536")
            file.put("db.url", "jdbc:h2:file:" + data.resolve("pagerline") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000" + h2Settings);
        }
        file.putAll(extra);
        clock.set(WARM_UP_OUT_OF_HOURS);
        PagerlineServer server = Wiring.server(PagerlineConfig.from(new Settings(file, env)), clock).start();
        RosterService roster = server.services().roster();
        int i = 0;
        for (Role r : Role.values()) {
            String tech = "Tech " + r.name().toLowerCase(Locale.ROOT);
            roster.addTechnician(new RosterService.NewTechnician(tech, "+1204555010" + i++, null, null, "America/Winnipeg"));
            roster.setRotation(new RosterService.RotationSpec(r, List.of(tech), "1w", "08:00", "America/Winnipeg", "2026-11-01"));
        }
        return new Target(name, agiPort, "support-line", server::close, server);
    }

    private static Target floor(FloorScript script) throws Exception {
        int port = Ports.free();
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        Map<String, AgiScript> m = new HashMap<>();
        for (Path0 p : Path0.values()) {
            m.put(p.wire(), script);
        }
        mapping.setMappings(m);
        DefaultAgiServer server = new DefaultAgiServer(mapping);
        server.setAddress(InetAddress.getLoopbackAddress());
        server.setPort(port);
        server.setPoolSize(20);
        server.setMaximumPoolSize(2000); // as pagerline's agi.max-calls (asterisk-java's own 500 would refuse the held calls)
        Thread t = new Thread(() -> {
            try {
                server.startup();
            } catch (IOException | IllegalStateException e) {
                System.err.println("floor: " + e);
            }
        }, "floor-accept");
        t.setDaemon(true);
        t.start();
        // asterisk-java gives no signal once bound (a probe connection would run no script and log an error)
        Thread.sleep(500);
        return new Target("asterisk-java DefaultAgiServer (floor)", port, null, server::shutdown, null);
    }

    /** The {@code p}th percentile (nearest rank) of waits sorted ascending, not empty: the tables' p50 and p99. */
    static long nanosAt(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(i, sorted.length - 1))];
    }

    /** One measured run. */
    record Row(String server, String path, int concurrent, long calls, long failed, double seconds, long[] sortedNanos,
            double cpuMsPerCall, long refused) {
        double callsPerSecond() {
            return calls / seconds;
        }

        double pct(double p) {
            return sortedNanos.length == 0 ? 0 : nanosAt(sortedNanos, p) / 1e6;
        }

        double max() {
            return sortedNanos.length == 0 ? 0 : sortedNanos[sortedNanos.length - 1] / 1e6;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-40s %-7s %5d callers: %7d calls (%d failed%s), %7.0f calls/s, AGI command"
                            + " p50 %.2f / p99 %.2f / max %.1f ms (%d commands), CPU %.2f ms/call",
                    server, path, concurrent, calls, failed, refused >= 0 ? ", " + refused + " refused" : "", callsPerSecond(),
                    pct(50), pct(99), max(), sortedNanos.length, cpuMsPerCall);
        }
    }

    private static void report(List<Row> rows) {
        System.out.println();
        System.out.println("| server | path | concurrent callers | calls/s | AGI command p50 / p99 / max (ms) | CPU per call (ms) |"
                + " p99 vs floor | calls/s vs floor | CPU vs floor |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<String> verdicts = new java.util.ArrayList<>();
        for (Row r : rows) {
            Row f = rows.stream().filter(x -> x.server().contains("floor") && x.path().equals(r.path())
                    && x.concurrent() == r.concurrent()).findFirst().orElse(null);
            boolean isFloor = r.server().contains("floor");
            String ratios = isFloor || f == null ? "| | | |" : String.format(Locale.ROOT, "| %.2fx | %.2fx | %.1fx |",
                    r.pct(99) / Math.max(f.pct(99), 1e-6), r.callsPerSecond() / Math.max(f.callsPerSecond(), 1e-6),
                    r.cpuMsPerCall() / Math.max(f.cpuMsPerCall(), 1e-6));
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f | %.2f / %.2f / %.1f | %.2f %s%n", r.server(), r.path(),
                    r.path().equals("held") ? r.concurrent() + " held (" + r.refused() + " refused)" : Integer.toString(r.concurrent()),
                    r.callsPerSecond(), r.pct(50), r.pct(99), r.max(), r.cpuMsPerCall(), ratios);
            if (!isFloor && f != null && r.concurrent() == 500 && !r.path().equals("held")) {
                List<String> missed = new java.util.ArrayList<>();
                if (r.pct(99) > 2 * f.pct(99)) {
                    missed.add(String.format(Locale.ROOT, "p99 %.0f ms > 2x the floor's %.0f ms", r.pct(99), f.pct(99)));
                }
                if (r.pct(99) >= 50) {
                    missed.add(String.format(Locale.ROOT, "p99 %.0f ms >= 50 ms", r.pct(99)));
                }
                if (r.callsPerSecond() < 0.5 * f.callsPerSecond()) {
                    missed.add(String.format(Locale.ROOT, "calls/s %.2fx the floor's < 0.5x", r.callsPerSecond() / f.callsPerSecond()));
                }
                verdicts.add(r.server() + " " + r.path() + " at 500: " + (missed.isEmpty() ? "met" : "NOT MET (" + String.join("; ", missed) + ")"));
            }
            if (!isFloor && r.path().equals("held")) {
                boolean ok = r.concurrent() >= 2000 && r.refused() == 0 && r.failed() == 0 && r.pct(99) < 100;
                verdicts.add(String.format(Locale.ROOT, "%s %d held: %s (%d refused, %d failed, p99 %.0f ms)", r.server(),
                        r.concurrent(), ok ? "met" : "NOT MET", r.refused(), r.failed(), r.pct(99)));
            }
        }
        System.out.println();
        if (PACED) {   // calls outlast the run (no calls/s), and the targets are set for the saturated runs
            System.out.println("targets: not judged on a paced run (issue 14's targets are for the saturated runs)");
            return;
        }
        System.out.println("targets (500 callers: p99 <= 2x floor and < 50 ms, calls/s >= half the floor's;"
                + " 2,000 held: none refused, p99 < 100 ms):");
        if (verdicts.isEmpty()) {
            System.out.println("  not measured: no run at 500 callers or held calls");
        }
        verdicts.forEach(v -> System.out.println("  " + v));
    }

    /** Asterisk's side of many calls at once, on one NIO thread. */
    static final class Generator {
        private long uid = 1_763_900_000_000L;
        private long callerSeq;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        /** One call's connection and its caller's state. */
        final class Conn {
            final SocketChannel ch;
            final Path0 path;
            final ByteBuffer in = ByteBuffer.allocate(4096);
            final StringBuilder partial = new StringBuilder();
            final Map<String, String> vars = new HashMap<>();
            final List<String> captured;
            int press;
            /** How many command lines the server has sent on this call (BENCH_BY_COMMAND). */
            int commands;
            long lastWrite;
            boolean holding;
            boolean hungUp;

            Conn(SocketChannel ch, Path0 path, List<String> captured) {
                this.ch = ch;
                this.path = path;
                this.captured = captured;
            }
        }

        /** A paced reply, sent at {@code at} (nanoTime). */
        record Reply(long at, Conn conn, String line) {}

        /** Whether replies are paced now (BENCH_PACED, measured runs only: the warm-ups are for the JIT). */
        boolean pacing;

        /** Whether the run is counted: only then are its breakdowns (BENCH_BY_COMMAND, BENCH_BY_THREAD) printed. */
        boolean counted;

        /** How long Asterisk takes to answer this command on a real call (ms). */
        static long pace(AgiCommandLine cmd) {
            String app = cmd.verb().equals("EXEC") ? cmd.arg(0).toLowerCase(Locale.ROOT) : "";
            return switch (cmd.verb()) {
                case "STREAM FILE" -> 2_500;   // a prompt
                case "GET DATA" -> 4_000;      // a prompt, then the caller's key
                case "SAY DIGITS" -> 2_000;    // a ticket number read out
                case "RECORD FILE" -> 15_000;  // a message left
                case "EXEC" -> switch (app) {
                    case "playback" -> 2_500;
                    case "dial" -> 15_000;     // the technician's phone rings, unanswered
                    case "queue" -> 20_000;    // a wait in the queue
                    default -> 0;
                };
                default -> 0;                  // variables, verbose, answer: at once
            };
        }

        /** Runs one call of {@code path} against pagerline and returns the command lines it sent. */
        List<String> capture(Target t, Path0 path) throws IOException {
            List<String> lines = new ArrayList<>();
            Run r = new Run(t, path, 1, 0, lines);
            r.loop(1, TimeUnit.SECONDS.toNanos(30), 0);
            if (r.completed != 1) {
                throw new IllegalStateException(t.name() + ": the " + path.wire() + " path did not end as expected: " + r.vars
                        + " " + lines);
            }
            System.out.printf("%s, %s path: %d AGI commands per call%n", t.name(), path.wire(), lines.size());
            return lines;
        }

        Row run(Target t, Path0 path, int concurrent, int seconds) throws IOException {
            Run r = new Run(t, path, concurrent, 0, null);
            return r.measure(seconds);
        }

        Row hold(Target t, int calls) throws IOException {
            Run r = new Run(t, Path0.QUEUE, calls, calls, null);
            return r.measureHeld();
        }

        /** A batch of calls against one server. */
        final class Run {
            final Target t;
            final Path0 path;
            final int concurrent;
            final int toHold;
            final List<String> capture;
            final Selector sel;
            final Waits nanos = new Waits();
            /** BENCH_BY_COMMAND: the waits by the command's place in the call ("3 SET VARIABLE PAGERLINE_TICKET"). */
            final Map<String, Waits> byCommand = BY_COMMAND ? new HashMap<>() : null;
            /**
             * BENCH_BY_COMMAND: the waits of the counted run's second half. The callers start within a
             * second of each other and keep in step for a while (their voicemails reach the journal in
             * waves, README); the second half shows the line once they have spread out.
             */
            final Waits secondHalf = new Waits();
            long secondHalfFrom = Long.MAX_VALUE;
            /** Deadlocks retried before the counted run (the servers share the JVM's count; one runs at a time). */
            long conflicts0;
            /** Pieces set apart on a held ticket before the counted run (as {@link #conflicts0}). */
            long held0;
            long completed;
            long failed;
            long refused;
            boolean measuring;
            boolean placing = true;
            int live;
            final List<Conn> holding = new ArrayList<>();
            /** Paced replies not yet due, soonest first. */
            final java.util.PriorityQueue<Reply> due = new java.util.PriorityQueue<>(
                    java.util.Comparator.comparingLong(Reply::at));
            Map<String, String> vars = Map.of();

            Run(Target t, Path0 path, int concurrent, int toHold, List<String> capture) throws IOException {
                this.t = t;
                this.path = path;
                this.concurrent = concurrent;
                this.toHold = toHold;
                this.capture = capture;
                this.sel = Selector.open();
            }

            Row measure(int seconds) throws IOException {
                long t0 = System.nanoTime();
                // ramp up at 500 new callers a second (a PBX does not open 500 sockets in one instant)
                long rampEnd = t0 + TimeUnit.MILLISECONDS.toNanos(concurrent * 2L);
                long end = rampEnd + TimeUnit.SECONDS.toNanos(seconds);
                long genCpu0 = 0;
                long cpu0 = 0;
                long completed0 = 0;
                int placed = 0;
                while (System.nanoTime() < end) {
                    long now = System.nanoTime();
                    if (!measuring && now >= rampEnd) {
                        measuring = true;
                        secondHalfFrom = BY_COMMAND ? rampEnd + TimeUnit.SECONDS.toNanos(seconds) / 2 : Long.MAX_VALUE;
                        genCpu0 = threads.getCurrentThreadCpuTime();
                        cpu0 = os.getProcessCpuTime();
                        completed0 = completed;
                        threadCpu0 = BY_THREAD ? threadCpu() : Map.of();
                        allocated0 = BY_THREAD ? allocated() : Map.of();
                        gc0 = BY_THREAD ? gcPauses() : new long[2];
                        vmTicks0 = BY_THREAD ? vmThreadTicks() : Map.of();
                        h2Stores0 = BY_THREAD ? h2Stores() : null;
                        conflicts0 = org.pagerline.adapter.store.JdbcTransactions.conflictsRetried();
                        held0 = org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld();
                        if (SQL_STATS && counted) {
                            sqlStats(true);
                        }
                    }
                    while (placed < concurrent && now >= t0 + placed * 2_000_000L) {
                        place();
                        placed++;
                    }
                    step(1);
                }
                long cpu = os.getProcessCpuTime() - cpu0 - (threads.getCurrentThreadCpuTime() - genCpu0);
                long calls = completed - completed0;
                if (BY_THREAD && counted) {
                    printThreadCpu(threadCpu0, cpu, calls);
                    printAllocated(calls, seconds);
                    printH2Stores(h2Stores0, calls);
                }
                if (SQL_STATS && counted) {
                    printSqlStats(calls);
                }
                long conflicts = org.pagerline.adapter.store.JdbcTransactions.conflictsRetried() - conflicts0;
                if (counted && conflicts > 0) {
                    System.out.printf("%s %s %d: %d transaction(s) or piece(s) lost a deadlock and were tried again%n",
                            t.name(), path.wire(), concurrent, conflicts);
                }
                long held = org.pagerline.adapter.store.JdbcTransactions.ticketsFoundHeld() - held0;
                if (counted && held > 0) {
                    System.out.printf("%s %s %d: %d piece(s) found their ticket held by another transaction and were"
                            + " written on their own%n", t.name(), path.wire(), concurrent, held);
                }
                measuring = false;
                placing = false;
                drain();
                return row(calls, seconds, cpu);
            }

            Row measureHeld() throws IOException {
                long t0 = System.nanoTime();
                measuring = true;
                long cpu0 = os.getProcessCpuTime();
                long genCpu0 = threads.getCurrentThreadCpuTime();
                int placed = 0;
                long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
                while ((placed < toHold || holding.size() + refused + failed < toHold) && System.nanoTime() < deadline) {
                    long now = System.nanoTime();
                    while (placed < toHold && now >= t0 + placed * 2_000_000L) {
                        place();
                        placed++;
                    }
                    step(1);
                }
                int maxHeld = holding.size();
                long r0 = System.nanoTime();
                int released = 0;
                List<Conn> toRelease = new ArrayList<>(holding);
                holding.clear();
                while ((released < toRelease.size() || live > 0) && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(30)) {
                    long now = System.nanoTime();
                    while (released < toRelease.size() && now >= r0 + released * 2_000_000L) {
                        Conn c = toRelease.get(released++);
                        c.holding = false;
                        c.vars.put("QUEUESTATUS", "CONTINUE");
                        send(c, "200 result=0");
                    }
                    step(1);
                }
                long cpu = os.getProcessCpuTime() - cpu0 - (threads.getCurrentThreadCpuTime() - genCpu0);
                double secs = (System.nanoTime() - t0) / 1e9;
                long[] sorted = sorted();
                System.out.printf("%s: %d of %d calls held at once%n", t.name(), maxHeld, toHold);
                return new Row(t.name(), "held", toHold, completed, failed + (toHold - maxHeld - refused), secs, sorted,
                        completed == 0 ? 0 : cpu / 1e6 / completed, refused);
            }

            private Row row(long calls, int seconds, long cpu) {
                printSlowestCommands();
                if (counted && !secondHalf.isEmpty()) {
                    long[] h = secondHalf.sorted();
                    System.out.printf(Locale.ROOT, "%s %s %d, the run's second half alone: AGI command p50 %.2f / p99 %.2f ms"
                            + " (%d commands)%n", t.name(), path.wire(), concurrent, nanosAt(h, 50) / 1e6,
                            nanosAt(h, 99) / 1e6, h.length);
                }
                return new Row(t.name(), path.wire(), concurrent, calls, failed, seconds, sorted(),
                        calls == 0 ? 0 : cpu / 1e6 / calls, -1);
            }

            private Map<Long, Long> threadCpu0 = Map.of();
            private Map<String, Long> vmTicks0 = Map.of();
            private Map<Long, Long> allocated0 = Map.of();
            private long[] gc0 = new long[2];
            /** H2's store count, bytes written and file writes when the counted run began (null: not an H2 file). */
            private long[] h2Stores0;

            /** BENCH_SQL_STATS: H2 starts counting afresh ({@code on}), or stops. */
            private void sqlStats(boolean on) {
                if (t.pagerline() == null) {
                    return;
                }
                try (Connection c = t.pagerline().connection(); Statement st = c.createStatement()) {
                    st.execute("SET QUERY_STATISTICS FALSE"); // clears what was counted
                    if (on) {
                        st.execute("SET QUERY_STATISTICS_MAX_ENTRIES 100000");
                        st.execute("SET QUERY_STATISTICS TRUE");
                    }
                } catch (java.sql.SQLException | RuntimeException e) {
                    System.out.println("(statement statistics unavailable: " + e + ")");
                }
            }

            /** A long column list cut to its first two columns, so the 150 characters shown reach the FROM and WHERE. */
            private static String shortColumns(String sql) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(SELECT (?:DISTINCT )?)([^()]*?) FROM ").matcher(sql);
                if (!m.find()) {
                    return sql;
                }
                String[] cols = m.group(2).split(", ");
                return cols.length <= 3 ? sql
                        : m.group(1) + cols[0] + ", " + cols[1] + ", (" + (cols.length - 2) + " more)" + sql.substring(m.end() - 6);
            }

            /** How many statements BENCH_SQL_STATS prints (BENCH_SQL_STATS_LINES, 40 by default). */
            private static final int SQL_STATS_LINES = Integer.parseInt(System.getenv().getOrDefault("BENCH_SQL_STATS_LINES", "40"));

            /** BENCH_SQL_STATS: the statements of the run by their total time, per call. */
            private void printSqlStats(long calls) {
                if (t.pagerline() == null || calls == 0) {
                    return;
                }
                List<String> lines = new ArrayList<>();
                double count = 0;
                double ms = 0;
                int distinct = 0;
                try (Connection c = t.pagerline().connection(); Statement st = c.createStatement();
                        java.sql.ResultSet rs = st.executeQuery("SELECT EXECUTION_COUNT, CUMULATIVE_EXECUTION_TIME, SQL_STATEMENT, AVERAGE_ROW_COUNT"
                                + " FROM INFORMATION_SCHEMA.QUERY_STATISTICS ORDER BY CUMULATIVE_EXECUTION_TIME DESC")) {
                    while (rs.next()) {
                        distinct++;
                        count += rs.getLong(1);
                        ms += rs.getDouble(2);
                        if (lines.size() < SQL_STATS_LINES) {
                            String sql = shortColumns(rs.getString(3).replaceAll("\\s+", " "));
                            lines.add(String.format(Locale.ROOT, "  %6.2f /call  %7.3f ms/call  %7.1f rows  %s",
                                    rs.getLong(1) / (double) calls, rs.getDouble(2) / calls, rs.getDouble(4),
                                    sql.length() > 150 ? sql.substring(0, 150) + "..." : sql));
                        }
                    }
                } catch (java.sql.SQLException | RuntimeException e) {
                    System.out.println("(statement statistics unavailable: " + e + ")");
                    return;
                }
                sqlStats(false);
                // distinct: each pooled connection keeps up to QUERY_CACHE_SIZE of them parsed, and H2
                // looks through a connection's whole cache whenever a transaction first changes a table
                System.out.printf(Locale.ROOT, "%s %s %d: %.1f statements per call (%d distinct texts), %.3f ms per call in them (H2's timing);"
                        + " the slowest in all (rows: each execution's rows read or changed, on average):%n", t.name(), path.wire(), concurrent,
                        count / calls, distinct, ms / calls);
                lines.forEach(System.out::println);
            }

            /**
             * BENCH_BY_THREAD, H2 file: how many times H2 wrote its changed pages to the file (with
             * WRITE_DELAY=0 one store per commit, less the commits that shared a store) and how much
             * it wrote, both per call: a commit's fixed cost, what batching saves.
             */
            private long[] h2Stores() {
                if (t.pagerline() == null) {
                    return null;
                }
                try (Connection c = t.pagerline().connection();
                        Statement st = c.createStatement();
                        java.sql.ResultSet rs = st.executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                                + " WHERE SETTING_NAME IN ('info.CURRENT_VERSION', 'info.FILE_WRITE_BYTES', 'info.FILE_WRITE')")) {
                    long[] v = new long[3];
                    int seen = 0;
                    while (rs.next()) {
                        int i = switch (rs.getString(1)) {
                            case "info.CURRENT_VERSION" -> 0;
                            case "info.FILE_WRITE_BYTES" -> 1;
                            default -> 2;
                        };
                        v[i] = Long.parseLong(rs.getString(2));
                        seen++;
                    }
                    return seen == 3 ? v : null;
                } catch (java.sql.SQLException | RuntimeException e) {
                    return null; // PostgreSQL, or no such setting
                }
            }

            private void printH2Stores(long[] before, long calls) {
                long[] now = before == null ? null : h2Stores();
                if (now == null || calls <= 0) {
                    return;
                }
                System.out.printf(Locale.ROOT, "%s %s %d: H2 stores per call %.3f (%d in all), file writes per call %.2f,"
                        + " written per call %.1f KB (versions %x-%x)%n", t.name(), path.wire(), concurrent,
                        (now[0] - before[0]) / (double) calls, now[0] - before[0], (now[2] - before[2]) / (double) calls,
                        (now[1] - before[1]) / 1024.0 / calls, before[0], now[0]);
            }

            /** Each live thread's bytes allocated so far, by id (HotSpot's ThreadMXBean; empty elsewhere). */
            private Map<Long, Long> allocated() {
                Map<Long, Long> m = new HashMap<>();
                if (threads instanceof com.sun.management.ThreadMXBean hs) {
                    for (long id : threads.getAllThreadIds()) {
                        long b = hs.getThreadAllocatedBytes(id);
                        if (b >= 0) {
                            m.put(id, b);
                        }
                    }
                }
                return m;
            }

            /** The collections so far and the milliseconds they took, over every collector. */
            private static long[] gcPauses() {
                long n = 0;
                long ms = 0;
                for (java.lang.management.GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
                    n += Math.max(0, g.getCollectionCount());
                    ms += Math.max(0, g.getCollectionTime());
                }
                return new long[] {n, ms};
            }

            /**
             * BENCH_BY_THREAD: the run's heap allocation per call by thread group, and the collections
             * it caused: each pause stops every caller's thread, so their share of the run is about
             * the share of commands that wait for one.
             */
            private void printAllocated(long calls, int seconds) {
                long[] gc = gcPauses();
                Map<String, Long> byGroup = byGroup(allocated(), allocated0);
                StringBuilder b = new StringBuilder(String.format("%s %s %d: %d collections, %d ms (%.1f %% of the run); "
                        + "allocated per call by thread:", t.name(), path.wire(), concurrent, gc[0] - gc0[0], gc[1] - gc0[1],
                        (gc[1] - gc0[1]) / (seconds * 10.0)));
                appendLargestFirst(b, byGroup, 1024L * Math.max(calls, 1) / 100, "%8.1f KB", 1024.0 * Math.max(calls, 1));
                System.out.println(b);
            }

            /**
             * The JVM's own threads' CPU (GC, the JIT's compilers, the VM thread), in clock ticks, keyed
             * "group/thread id", from /proc (Linux only; ThreadMXBean does not see them). Empty elsewhere.
             */
            private Map<String, Long> vmThreadTicks() {
                Map<String, Long> m = new HashMap<>();
                java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
                if (tasks == null) {
                    return m;
                }
                for (java.io.File task : tasks) {
                    try {
                        String comm = java.nio.file.Files.readString(task.toPath().resolve("comm")).trim();
                        String group = comm.startsWith("C2 Compiler") ? "JIT C2" : comm.startsWith("C1 Compiler") ? "JIT C1"
                                : comm.startsWith("G1") || comm.startsWith("GC Thread") ? "GC" : comm.equals("VM Thread") ? "VM Thread"
                                : null;
                        if (group == null) {
                            continue;
                        }
                        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // by thread: the JVM ends idle compiler threads, whose CPU must not leave the group's total
                        m.put(group + "/" + task.getName(), Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
                return m;
            }

            private final Map<Long, String> threadNames = new HashMap<>();

            /** Each live thread's CPU time so far, by id (names kept aside: a thread may end before the run does). */
            private Map<Long, Long> threadCpu() {
                Map<Long, Long> m = new HashMap<>();
                for (long id : threads.getAllThreadIds()) {
                    long c = threads.getThreadCpuTime(id);
                    java.lang.management.ThreadInfo i = threads.getThreadInfo(id);
                    if (c >= 0 && i != null) {
                        m.put(id, c);
                        threadNames.put(id, i.getThreadName().replaceAll("[0-9]+", "#"));
                    }
                }
                return m;
            }

            /** BENCH_BY_THREAD: the run's CPU per call by thread group, largest first; the generator's is left out. */
            private void printThreadCpu(Map<Long, Long> before, long processCpu, long calls) {
                Map<String, Long> byGroup = byGroup(threadCpu(), before);
                long javaThreads = byGroup.values().stream().mapToLong(Long::longValue).sum();
                long vm = 0;
                for (Map.Entry<String, Long> e : vmThreadTicks().entrySet()) {
                    // a thread that ended is left out (its share is in "the rest"), a new one counted from 0
                    long d = (e.getValue() - vmTicks0.getOrDefault(e.getKey(), 0L)) * 10_000_000L; // USER_HZ 100
                    byGroup.merge("[" + e.getKey().substring(0, e.getKey().indexOf('/')) + "]", d, Long::sum);
                    vm += d;
                }
                byGroup.put("(the rest: threads that ended, the VM's not named above)", processCpu - javaThreads - vm);
                StringBuilder b = new StringBuilder(t.name() + " " + path.wire() + " " + concurrent + ": CPU per call by thread:");
                appendLargestFirst(b, byGroup, 1, "%6.3f ms", 1e6 * Math.max(calls, 1));
                System.out.println(b);
            }

            /** Each thread group's growth of a per-thread count since {@code before}; the generator's own thread left out. */
            private Map<String, Long> byGroup(Map<Long, Long> now, Map<Long, Long> before) {
                Map<String, Long> out = new java.util.TreeMap<>();
                long self = Thread.currentThread().getId();
                for (Map.Entry<Long, Long> e : now.entrySet()) {
                    String name = threadNames.get(e.getKey()); // named by threadCpu(), which every run reads
                    if (e.getKey() != self && name != null) {
                        out.merge(name, e.getValue() - before.getOrDefault(e.getKey(), 0L), Long::sum);
                    }
                }
                return out;
            }

            /** One line per group, largest first, those of at least {@code atLeast}, each divided by {@code per}. */
            private static void appendLargestFirst(StringBuilder b, Map<String, Long> byGroup, long atLeast, String format,
                    double per) {
                byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .filter(e -> e.getValue() >= atLeast)
                        .forEach(e -> b.append(String.format("%n    %-45s " + format, e.getKey(), e.getValue() / per)));
            }

            /** BENCH_BY_COMMAND: the five commands of a call with the longest p99 wait before them. */
            private void printSlowestCommands() {
                if (byCommand == null || byCommand.isEmpty() || !counted) {
                    return;
                }
                long total = nanos.sum();
                System.out.printf("slowest commands, %s, %s path, %d callers (wait before the command, ms):%n", t.name(),
                        path.wire(), concurrent);
                byCommand.entrySet().stream().map(e -> {
                    long[] a = e.getValue().sorted();
                    return new Object[] {e.getKey(), nanosAt(a, 50) / 1e6, nanosAt(a, 99) / 1e6,
                            100.0 * Arrays.stream(a).sum() / Math.max(1, total)};
                }).sorted((x, y) -> Double.compare((double) y[2], (double) x[2])).limit(5).forEach(r -> System.out.printf(
                        "  %-48s p50 %8.2f  p99 %8.2f  %5.1f %% of all waiting%n", r));
                // the slowest 1 %: how much of it the commands that wait on the database (the call's start,
                // the urgent voicemail's commit) are, and the p99 of the others alone
                long p99 = nanosAt(sorted(), 99);   // the run's p99, as its row reports it
                long slow = 0;
                long slowWaited = 0;
                Waits others = new Waits();
                for (Map.Entry<String, Waits> e : byCommand.entrySet()) {
                    boolean waited = e.getKey().contains("PAGERLINE_TICKET") || e.getKey().contains("PAGERLINE_RESULT");
                    Waits ws = e.getValue();
                    for (int i = 0; i < ws.size(); i++) {
                        long w = ws.get(i);
                        if (w > p99) {
                            slow++;
                            slowWaited += waited ? 1 : 0;
                        }
                        if (!waited) {
                            others.add(w);
                        }
                    }
                }
                long[] o = others.sorted();
                if (o.length > 0) {
                    System.out.printf("  above the p99 (%.2f ms): %.0f %% the start's and the voicemail's commands; the other"
                            + " commands alone: p50 %.2f / p99 %.2f ms%n", p99 / 1e6, 100.0 * slowWaited / Math.max(1, slow),
                            nanosAt(o, 50) / 1e6, nanosAt(o, 99) / 1e6);
                }
            }

            private long[] sorted() {
                return nanos.sorted();
            }

            void loop(int calls, long maxNanos, int unused) throws IOException {
                long end = System.nanoTime() + maxNanos;
                for (int i = 0; i < calls; i++) {
                    place();
                }
                placing = false;
                while (live > 0 && System.nanoTime() < end) {
                    step(50);
                }
            }

            private void drain() throws IOException {
                // paced calls last a minute: they are hung up rather than waited for
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PACED ? 1 : 60);
                while (live > 0 && System.nanoTime() < end) {
                    step(10);
                }
                for (SelectionKey k : sel.keys()) {
                    k.channel().close();
                }
                sel.close();
            }

            void place() throws IOException {
                // non-blocking connect: a server slow to accept must not stall the other calls' replies
                SocketChannel ch = SocketChannel.open();
                Conn c = new Conn(ch, path, capture);
                try {
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    ch.configureBlocking(false);
                    if (ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port()))) {
                        ch.register(sel, SelectionKey.OP_READ, c);
                        opened(c);
                    } else {
                        ch.register(sel, SelectionKey.OP_CONNECT, c);
                    }
                } catch (IOException e) {
                    refused++;
                    ch.close();
                    return;
                }
                live++;
            }

            /** Connected: Asterisk sends the environment. */
            void opened(Conn c) throws IOException {
                String id = (uid++ / 1000) + "." + (uid % 1000);
                String caller = String.format(Locale.ROOT, "+1204556%04d", callerSeq++ % 10_000);
                String script = t.script() == null ? path.wire() : t.script();
                StringBuilder env = new StringBuilder();
                for (String l : List.of("agi_network: yes", "agi_network_script: " + script,
                        "agi_request: agi://127.0.0.1:" + t.port() + "/" + script, "agi_channel: PJSIP/trunk-" + id,
                        "agi_language: en", "agi_type: PJSIP", "agi_uniqueid: " + id, "agi_version: 22.1.0",
                        "agi_callerid: " + caller, "agi_calleridname: Bench Caller", "agi_callingpres: 0",
                        "agi_callingani2: 0", "agi_callington: 0", "agi_callingtns: 0", "agi_dnid: 2042721451",
                        "agi_rdnis: unknown", "agi_context: pagerline-inbound", "agi_extension: s", "agi_priority: 3",
                        "agi_enhanced: 0.0", "agi_accountcode: ", "agi_threadid: 140245263857216")) {
                    env.append(l).append('\n');
                }
                env.append('\n');
                write(c, env.toString());
            }

            void step(long timeoutMs) throws IOException {
                long now0 = System.nanoTime();
                while (!due.isEmpty() && due.peek().at() <= now0) {
                    Reply d = due.poll();
                    if (d.conn().ch.isOpen()) {
                        send(d.conn(), d.line());
                    }
                }
                sel.select(timeoutMs);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (k.isValid() && k.isConnectable()) {
                        try {
                            c.ch.finishConnect();
                            k.interestOps(SelectionKey.OP_READ);
                            opened(c);
                        } catch (IOException e) {
                            k.cancel();
                            c.ch.close();
                            live--;
                            refused++;
                            if (placing && toHold == 0 && capture == null) {
                                place();
                            }
                        }
                        continue;
                    }
                    int n;
                    try {
                        n = c.ch.read(c.in);
                    } catch (IOException e) {
                        n = -1;
                    }
                    long now = System.nanoTime();
                    if (n < 0) {
                        end(c, k);
                        continue;
                    }
                    c.in.flip();
                    while (c.in.hasRemaining()) {
                        char ch = (char) c.in.get();
                        if (ch == '\n') {
                            String line = c.partial.toString();
                            c.partial.setLength(0);
                            if (!line.isBlank()) {
                                if (measuring) {
                                    nanos.add(now - c.lastWrite);
                                    if (now >= secondHalfFrom) {
                                        secondHalf.add(now - c.lastWrite);
                                    }
                                    if (byCommand != null) {
                                        byCommand.computeIfAbsent(c.commands + " " + commandName(line), x -> new Waits())
                                                .add(now - c.lastWrite);
                                    }
                                }
                                c.commands++;
                                answer(c, line);
                            }
                        } else {
                            c.partial.append(ch);
                        }
                    }
                    c.in.clear();
                }
            }

            private void end(Conn c, SelectionKey k) throws IOException {
                k.cancel();
                c.ch.close();
                live--;
                String result = c.vars.get("PAGERLINE_RESULT");
                // the floor sends pagerline's own SET VARIABLE PAGERLINE_RESULT lines too
                boolean ok = result != null && switch (path) {
                    case MESSAGE -> result.equals("MESSAGE");
                    case URGENT -> result.equals("VOICEMAIL");
                    case QUEUE -> result.equals("QUEUE_ANSWERED");
                };
                if (ok) {
                    if (measuring || capture != null || toHold > 0) {
                        completed++;
                    }
                } else if (measuring || capture != null || toHold > 0) {
                    if (c.press == 0 && c.vars.isEmpty()) {
                        refused++;
                    } else {
                        failed++;
                    }
                }
                vars = c.vars;
                if (placing && toHold == 0 && capture == null) {
                    place();
                }
            }

            private void answer(Conn c, String line) throws IOException {
                if (c.captured != null) {
                    c.captured.add(line);
                }
                AgiCommandLine cmd = AgiCommandLine.parse(line);
                String v = cmd.verb();
                String reply;
                switch (v) {
                    case "ANSWER", "SAY DIGITS" -> reply = "200 result=0";
                    case "VERBOSE" -> reply = "200 result=1";
                    case "CHANNEL STATUS" -> reply = "200 result=6";
                    case "SET VARIABLE" -> {
                        c.vars.put(cmd.arg(0), cmd.arg(1));
                        reply = "200 result=1";
                    }
                    case "GET VARIABLE" -> {
                        String val = c.vars.get(cmd.arg(0));
                        reply = val == null ? "200 result=0" : "200 result=1 (" + val + ")";
                    }
                    case "GET DATA" -> {
                        String keys = c.press < c.path.presses.size() ? c.path.presses.get(c.press++) : "";
                        reply = keys.isEmpty() ? "200 result= (timeout)" : "200 result=" + keys;
                    }
                    case "RECORD FILE" -> reply = "200 result=0 (timeout) endpos=40000";
                    case "HANGUP" -> {
                        c.hungUp = true;
                        reply = "200 result=1";
                    }
                    case "EXEC" -> {
                        String app = cmd.arg(0);
                        if (app.equalsIgnoreCase("Playback")) {
                            c.vars.put("PLAYBACKSTATUS", "SUCCESS");
                        } else if (app.equalsIgnoreCase("Dial")) {
                            c.vars.put("DIALSTATUS", "NOANSWER");
                        } else if (app.equalsIgnoreCase("Queue")) {
                            if (toHold > 0) {
                                c.holding = true;
                                holding.add(c);
                                return; // answered when released
                            }
                            c.vars.put("QUEUESTATUS", "CONTINUE");
                        }
                        reply = "200 result=0";
                    }
                    default -> reply = "510 Invalid or unknown command";
                }
                long ms = pacing && c.captured == null ? pace(cmd) : 0;
                if (ms > 0) {
                    due.add(new Reply(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms), c, reply));
                    return;
                }
                send(c, reply);
            }

            private void send(Conn c, String reply) throws IOException {
                write(c, reply + "\n");
            }

            private void write(Conn c, String s) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
                long spin = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                try {
                    while (b.hasRemaining() && System.nanoTime() < spin) {
                        c.ch.write(b);
                    }
                } catch (IOException e) {
                    // the server closed it: read() sees the end
                }
                c.lastWrite = System.nanoTime();
            }
        }
    }
}
