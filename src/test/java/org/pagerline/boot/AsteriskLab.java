package org.pagerline.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.pagerline.adapter.ami.AsteriskVoiceChannel;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.core.incident.Incident;
import org.pagerline.config.Settings;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.ClientService;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.testkit.Eventually;

/**
 * The *AsteriskIT suite's lab: a real Asterisk 22 with pagerline's dialplan installed as its README
 * says ({@code scripts/asterisk-lab}), a carrier Asterisk behind the trunk, and ONE pagerline server
 * (in this JVM, built by {@link Wiring#server} with the real clock) wired to it: FastAGI on the port the
 * dialplan calls, AMI on with the shipped least-privilege user, voice pages through Asterisk. Shared
 * by every test of the suite (started once, stopped when the JVM exits), but for the classes that
 * change the whole PBX or server while they run: they take a lab of their own ({@link #get(String)},
 * {@link #LAB_B}, {@link #LAB_C}, the same again) and hold its name as a resource lock, so they run
 * beside the others instead of alone at the end.
 *
 * <h2>Writing a scenario</h2>
 * <pre>{@code
 * AsteriskLab lab = AsteriskLab.get();                 // skips the test (one line) where ../shared/asterisk is absent
 * String me = lab.newCaller();                          // a caller number no other test uses
 * try (var tech = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(2)).pause(ofSeconds(4)).press("1")
 *              .pause(ofSeconds(3)).hangUp(), me);      // Pat's phone, for calls presenting my caller ID
 *      var call = lab.call(new Sipp.Caller(me)
 *              .when("urgent-or-not").press("1")       // waits for pagerline's GET DATA pagerline/urgent-or-not
 *              .when("priority").press("1"))) {
 *     call.awaitSuccess(ofSeconds(90));
 *     Ticket t = lab.ticketOf(me);                      // what pagerline recorded
 * }
 * }</pre>
 * <ul>
 * <li>{@link Sipp.Caller}: {@code when(cue)} waits for pagerline to start asking with
 * {@code pagerline/<cue>} (GET DATA), or for {@code "record"} (RECORD FILE), {@code "app:Record"} (a
 * dialplan application on the caller's channel, e.g. the fallback's Record), {@code "exec:Queue"} (an
 * application pagerline runs on the caller's channel, EXEC), {@code "tech:accept-press-1"}
 * (a prompt on the technician's leg of this call); then {@code press}, {@code talk}, {@code pause},
 * {@code hangUp}. The harness watches the PBX over AMI and cues the SIPp caller with an in-dialog
 * NOTIFY, so keys are pressed while pagerline listens, however slow the machine. Cues are taken in
 * order; a cue that never comes fails the call after 60 s.</li>
 * <li>{@link Sipp.Phone}: a technician's phone: {@code answerAfter(d)} or {@code neverAnswer()},
 * then timed steps from the answer. Registered at the carrier for one number, and (optionally) only
 * for calls presenting one caller's number, so parallel tests ring their own phone for the same
 * on-call technician. Paging calls all show the desk's number: a phone for them is registered with
 * {@link #pagePhone} for the caller whose incident is paged, and rings only for that incident's
 * pages (the harness tells the carrier whose page each call is).</li>
 * <li>Every call and phone is one SIPp process, bounded; events ("invite", "answered", "cue-...",
 * "key-1", "hung-up", ...) with their instants in {@link Sipp.Run#events()}.</li>
 * <li>The desk: {@link #PAT} primary, {@link #SAM} secondary, {@link #LEE} team lead, {@link #VAL} VP,
 * {@link #QUINN} at the help desk. Closed (today and tomorrow are holidays) unless a test class holding
 * {@code @ResourceLock(DESK)} opens it ({@link #openDesk}, Quinn signed in to the queue); a test that
 * needs it closed holds {@code DESK} READ. A test that changes the PBX's prompts or node list,
 * or the server's settings, takes a lab of its own ({@link #LAB_B}, {@link #LAB_C}).</li>
 * <li>What happened: {@link #ticketOf}, {@link #timelineText}, {@link #dialplan} (the caller's path
 * through [pagerline-inbound]), {@link #reachedFallback}, {@link #resultAtHangup} (PAGERLINE_RESULT as
 * the h extension saw it), {@link #services()} (pagerline's own services), {@link #cli} (the PBX),
 * {@link #database()} (a connection of the test's own).</li>
 * <li>A scenario class is named {@code *AsteriskIT} and tagged {@code @Tag("asterisk")}: the suite
 * runs in its own Failsafe execution and JVM ({@code pom.xml}, execution "asterisk"), after the
 * other ITs.
 * Run one class: {@code mvn -o -B test-compile failsafe:integration-test@asterisk failsafe:verify@asterisk
 * -Dit.test=UrgentCallAsteriskIT}; with {@code PAGERLINE_TEST_ASTERISK_LAB=DIR} it reuses a lab from
 * {@code scripts/asterisk-lab up DIR} instead of setting one up in target/asterisk-lab (and the
 * labs of their own from DIR-b, DIR-c when .ci/run brought them up, else it brings them up there).</li>
 * </ul>
 */
final class AsteriskLab {
    static final String PAT = "+12045550101";
    static final String SAM = "+12045550102";
    static final String LEE = "+12045550103";
    static final String VAL = "+12045550104";
    /** A help-desk technician who signs in to the queue ({@link #openDesk}). */
    static final String QUINN = "+12045550111";
    static final String ZONE = "America/Winnipeg";
    /** The support line's number as dialled by callers (any number reaches [pagerline-inbound]). */
    static final String SUPPORT_DID = "2045550100";
    /** The caller ID of paging calls and call-backs (ami.page-caller-id): what the carrier sees them from. */
    static final String DESK_NUMBER = "+12045550100";
    /** Resource lock for tests that change the desk's hours, policy or roster. */
    static final String DESK = "pagerline-desk";
    static final Duration RING_TIMEOUT = Duration.ofSeconds(12);
    /**
     * The lab server's {@code agi.reply-timeout}: shorter than {@link #RING_TIMEOUT}, longer than any
     * prompt (SAY DIGITS of a caller's 11-digit number takes about 9 s: 8 s closed that call).
     */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(11);
    /** line.wait-limit in the lab (the default is 10 s, as long as H2's lock timeout). */
    static final Duration WAIT_LIMIT = Duration.ofSeconds(5);

    /** The lab every class shares unless it names another: {@code scripts/asterisk-lab up DIR} (target/asterisk-lab). */
    static final String MAIN = "asterisk-lab";
    /**
     * Labs of their own, for the classes that change the whole PBX or server while they run (the
     * PBX's [pagerline-agi-hosts], the server's bundle gaps, callers' tickets held): each such class
     * names one ({@link #get(String)}) and holds its name as a JUnit resource lock, so it runs beside
     * the main lab's classes and only the classes sharing its lab wait for it. Their folders are the
     * main lab's with "-b", "-c" after it ({@code .ci/run} brings all three up).
     */
    static final String LAB_B = MAIN + "-b";
    static final String LAB_C = MAIN + "-c";

    /** Held while this JVM brings a lab up itself (scripts/asterisk-lab up). */
    private static final Object BRINGING_UP = new Object();
    /** Each lab's start, begun by the first test that asks for it; the others wait for that one alone. */
    private static final Map<String, java.util.concurrent.CompletableFuture<AsteriskLab>> labs = new ConcurrentHashMap<>();

    final Map<String, String> env;
    final Path root;
    final Path work;
    final LabAmi ami;
    /** The harness's AMI connection to the carrier (its AstDB routes the calls to the SIPp phones). */
    final LabAmi carrierAmi;
    final PagerlineServer server;
    /** pagerline's H2 database folder (the lab's server is in this JVM). */
    final Path dataDir;
    private final AtomicInteger callers;
    private final Map<String, Cues> cues = new ConcurrentHashMap<>();
    private final Map<String, List<String>> trails = new ConcurrentHashMap<>();
    /** Callers whose incidents' paging calls a test has a phone for ({@link #pagePhone}). */
    private final Set<String> pageCallers = ConcurrentHashMap.newKeySet();
    /** The PBX channels of the paging calls placed for each of those callers' incidents. */
    private final Map<String, Set<String>> pagingChannels = new ConcurrentHashMap<>();
    /** Tells the carrier whose page each paging call is, off the AMI reader thread. */
    private final ExecutorService router = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "lab-page-router");
        t.setDaemon(true);
        return t;
    });

    /** The main lab, started on first use; aborts (skips) the calling test where no Asterisk can run. */
    static AsteriskLab get() {
        return get(MAIN);
    }

    /**
     * The lab of that name ({@link #MAIN}, {@link #LAB_B}, {@link #LAB_C}), started on first use (a
     * start that failed fails every test asking for that lab, without a second try); skips as
     * {@link #get()}.
     */
    static AsteriskLab get(String name) {
        java.util.concurrent.CompletableFuture<AsteriskLab> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<AsteriskLab> lab = labs.putIfAbsent(name, mine);
        if (lab == null) {
            lab = mine;
            try {
                mine.complete(start(name));
            } catch (Skip s) {
                System.out.println("WARNING: " + s.getMessage());
                mine.completeExceptionally(s);
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(new UncheckedIOException("the Asterisk lab " + name + " did not start: " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e)));
            }
        }
        try {
            return lab.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Skip s) {
                Assumptions.abort(s.getMessage());
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The folder of the lab {@code name}, given the main lab's: the main lab's name with the other's suffix ("-b"). */
    private static Path labDir(Path main, String name) {
        return name.equals(MAIN) ? main : Path.of(main + name.substring(MAIN.length()));
    }

    private static final class Skip extends Exception {
        Skip(String m) {
            super(m);
        }
    }

    private static AsteriskLab start(String name) throws IOException, Skip {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        String given = System.getenv("PAGERLINE_TEST_ASTERISK_LAB");
        Path envFile;
        boolean ours = false;
        Path givenDir = given == null || given.isBlank() ? null : labDir(Path.of(given), name);
        // a lab of its own next to a main lab brought up by hand (scripts/asterisk-lab up DIR) is
        // brought up here, as when no lab is given
        if (givenDir != null && !name.equals(MAIN) && !Files.exists(givenDir.resolve("lab.env"))
                && !Files.exists(givenDir.resolve("up.log"))) {
            givenDir = null;
        }
        if (givenDir != null) {
            envFile = givenDir.resolve("lab.env");
            String cannot = awaitLab(givenDir);
            if (cannot != null) {
                throw new Skip("Asterisk suite skipped: " + cannot);
            }
        } else {
            Path shared = root.resolve("../shared/asterisk/setup").normalize();
            if (!Files.isExecutable(shared)) {
                throw new Skip("Asterisk suite skipped: no ../shared/asterisk here (a prebuilt Asterisk 22; see README, 'How it is built')");
            }
            Path dir = given == null || given.isBlank() ? labDir(root.resolve("target/asterisk-lab"), name)
                    : labDir(Path.of(given), name);
            String out;
            synchronized (BRINGING_UP) { // one at a time, as .ci/run does: each picks ports free when it runs
                out = runScript(root, List.of("bash", "scripts/asterisk-lab", "up", dir.toString()), 300);
            }
            envFile = dir.resolve("lab.env");
            String cannot = cannotRunHere(out);
            if (!Files.exists(envFile) && cannot != null) {
                throw new Skip("Asterisk suite skipped: " + cannot);
            }
            if (!Files.exists(envFile)) {
                throw new IOException("scripts/asterisk-lab up did not finish:\n" + out);
            }
            ours = true;
        }
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(envFile)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        AsteriskLab lab = new AsteriskLab(root, env, 150 + 300 * List.of(MAIN, LAB_B, LAB_C).indexOf(name));
        if (ours) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                lab.server.close();
                try {
                    runScript(root, List.of("bash", "scripts/asterisk-lab", "down", env.get("LAB_DIR")), 60);
                } catch (IOException e) {
                    System.err.println("could not stop the Asterisk lab: " + e);
                }
            }));
        } else {
            Runtime.getRuntime().addShutdownHook(new Thread(lab.server::close));
        }
        return lab;
    }

    /**
     * Waits for a lab that .ci/run is bringing up in the background (scripts/asterisk-lab up, its
     * output in up.log, its exit status in up.rc once done) to write its lab.env; fails at once when
     * there is neither lab.env nor such a start, or when the start failed.
     */
    /** The line scripts/asterisk-lab prints when it exits 3 (this machine cannot run the lab), or null. */
    private static String cannotRunHere(String output) {
        return output.lines().filter(l -> l.startsWith(CANNOT_RUN_HERE)).findFirst()
                .map(l -> l.substring(CANNOT_RUN_HERE.length())).orElse(null);
    }

    private static final String CANNOT_RUN_HERE = "asterisk-lab: cannot run here: ";

    /** @return why this machine cannot run the lab (its start exited 3), or null once lab.env is there */
    private static String awaitLab(Path dir) throws IOException {
        Path envFile = dir.resolve("lab.env");
        Path rc = dir.resolve("up.rc");
        Path log = dir.resolve("up.log");
        if (!Files.exists(envFile) && !Files.exists(log)) {
            throw new IOException("PAGERLINE_TEST_ASTERISK_LAB=" + dir + " has no lab.env (run scripts/asterisk-lab up " + dir + ")");
        }
        Eventually.await(Duration.ofMinutes(10), "the Asterisk lab in " + dir + " (scripts/asterisk-lab up, log " + log + ")", () -> {
            if (Files.exists(envFile)) {
                return true;
            }
            try {
                if (Files.exists(rc) && !Files.readString(rc).isBlank() && !Files.exists(envFile)) {
                    if (Files.readString(rc).strip().equals("3") && cannotRunHere(Files.readString(log)) != null) {
                        return true;
                    }
                    throw new IllegalStateException("scripts/asterisk-lab up " + dir + " failed (exit "
                            + Files.readString(rc).strip() + "):\n" + Files.readString(log));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return false;
        });
        return Files.exists(envFile) ? null : cannotRunHere(Files.readString(log));
    }

    /** @param firstCaller the first of this lab's caller numbers (labs apart, so that a log names one lab's caller) */
    private AsteriskLab(Path root, Map<String, String> env, int firstCaller) throws IOException {
        this.root = root;
        this.env = env;
        this.callers = new AtomicInteger(firstCaller);
        this.work = root.resolve("target/asterisk-it");
        Files.createDirectories(work);
        Path data = Files.createTempDirectory(work, "pagerline-data-");
        this.dataDir = data;
        Map<String, String> file = new HashMap<>();
        file.put("data.dir", data.toString());
        file.put("http.port", "0");
        file.put("agi.port", env.get("AGI_PORT"));
        file.put("ami.enabled", "true");
        file.put("ami.port", env.get("PBX_AMI_PORT"));
        file.put("ami.username", env.get("AMI_USER"));
        file.put("ami.reconnect-interval", "1s");
        file.put("ami.reconcile-interval", "2s");
        file.put("paging.voice-provider", "asterisk");
        file.put("line.recordings-dir", env.get("SPOOL_DIR") + "/pagerline");
        file.put("line.ring-timeout", RING_TIMEOUT.toSeconds() + "s");
        // the silence watchdog's limit (10 minutes by default) shorter than a ring, a queue wait and
        // some recordings here, longer than any prompt: the allowances it gives RECORD FILE and EXEC
        // on top are what keep those calls up, on the real PBX
        file.put("agi.reply-timeout", REPLY_TIMEOUT.toSeconds() + "s");
        file.put("scheduler.sweep-interval", "5s");
        file.putAll(extraSettings());
        Map<String, String> secrets = Map.of("PAGERLINE_AMI_PASSWORD", env.get("AMI_PASSWORD"));
        server = Wiring.server(PagerlineConfig.from(new Settings(file, secrets)), Clock.systemUTC()).start();
        desk();
        ami = new LabAmi(Integer.parseInt(env.get("PBX_AMI_PORT")), env.get("ADMIN_AMI_USER"), env.get("ADMIN_AMI_PASSWORD"));
        String carrierAmiPort = env.get("CARRIER_AMI_PORT");
        if (carrierAmiPort == null) {
            throw new IOException("the lab's lab.env has no CARRIER_AMI_PORT: set it up again with scripts/asterisk-lab up");
        }
        carrierAmi = new LabAmi(Integer.parseInt(carrierAmiPort), env.get("ADMIN_AMI_USER"), env.get("ADMIN_AMI_PASSWORD"));
        dbPut("lab", "page-caller-id", digits(DESK_NUMBER));
        ami.onEvent(this::cue);
        ami.onEvent(this::trail);
        ami.onEvent(this::routePage);
        Eventually.await(Duration.ofSeconds(20), "pagerline's AMI login to the lab",
                () -> cli("manager show connected").contains(env.get("AMI_USER")));
    }

    /** Settings a scenario class may need for the whole suite (kept here so they are in one place). */
    private static Map<String, String> extraSettings() {
        // many calls to the same few technicians' phones in a few minutes: no deferral by the
        // per-phone page rate limit (its own tests are elsewhere); paging calls and the call-backs
        // dialled from them present the desk's number (ami.page-caller-id); no bundle gaps: the suite's
        // classes page the same four phones side by side, and each test must get its own incident's call
        // (the carrier routes a paging call to the test whose incident it carries)
        // the line gives up on a start or a message the database has not written at 5 s, well before
        // H2's lock timeout (10 s): TicketHeldElsewhereAsteriskIT tells the two apart
        return Map.of("line.queue-wait-limit", "10s", "line.wait-limit", WAIT_LIMIT.toSeconds() + "s",
                "paging.rate-limit.pages", "1000",
                "paging.bundle.sms-gap", "0s", "paging.bundle.voice-gap", "0s",
                "ami.page-caller-id", "\"Help desk\" <" + DESK_NUMBER + ">");
    }

    private void desk() {
        RosterService roster = services().roster();
        String start = LocalDate.now(ZoneId.of("America/Winnipeg")).minusDays(7).toString();
        for (var p : List.of(Map.entry(Role.PRIMARY, Map.entry("Pat Lab", PAT)), Map.entry(Role.SECONDARY, Map.entry("Sam Lab", SAM)),
                Map.entry(Role.TEAM_LEAD, Map.entry("Lee Lab", LEE)), Map.entry(Role.VP_SERVICE, Map.entry("Val Lab", VAL)))) {
            String name = p.getValue().getKey();
            roster.addTechnician(new RosterService.NewTechnician(name, p.getValue().getValue(), null, null, "America/Winnipeg"));
            roster.setRotation(new RosterService.RotationSpec(p.getKey(), List.of(name), "1w", "08:00", "America/Winnipeg", start));
        }
        roster.addTechnician(new RosterService.NewTechnician("Quinn Lab", QUINN, null, null, ZONE));
        services().calendar().setHours("Mon-Sun 00:00-23:59", ZONE);
        closeDesk();
    }

    /**
     * Opens the desk (hours round the clock) with Quinn signed in to the queue, and waits until
     * pagerline has made Quinn the helpdesk queue's member. Hold {@code @ResourceLock(DESK)}.
     */
    void openDesk() {
        for (var h : services().calendar().holidays()) {
            services().calendar().removeHoliday(h.date().toString());
        }
        services().queue().signIn("Quinn Lab");
        Eventually.await(Duration.ofSeconds(20), "Quinn in the helpdesk queue",
                () -> cli("queue show helpdesk").contains(digits(QUINN) + "@pagerline-members"));
    }

    /** Closes the desk (today and tomorrow are holidays) and signs Quinn out. The lab's default. */
    void closeDesk() {
        LocalDate today = LocalDate.now(ZoneId.of(ZONE));
        for (LocalDate d : List.of(today, today.plusDays(1))) {
            if (services().calendar().holidays().stream().noneMatch(h -> h.date().equals(d))) {
                services().calendar().addHoliday(d.toString(), "lab: desk closed");
            }
        }
        services().queue().signOut("Quinn Lab");
    }

    Services services() {
        return server.services();
    }

    /** A caller number (E.164) no other test of this run uses; known as a client of "Lab Co". */
    String newCaller() {
        String n = newStranger();
        services().clients().add(new ClientService.NewClient("Lab Co", "Caller " + n.substring(8), List.of(n)));
        return n;
    }

    /** A caller number of its own that is in no client's entry of the directory. */
    String newStranger() {
        return String.format("+1204555%04d", callers.getAndIncrement());
    }

    /** Places the call (SIPp through the trunk) and cues it as pagerline asks. */
    Sipp.Run call(Sipp.Caller caller) throws IOException {
        cues.put(caller.number(), new Cues(caller.cues));
        return Sipp.call(caller, work, Integer.parseInt(env.get("PBX_SIP_PORT")), SUPPORT_DID);
    }

    /**
     * Starts a technician's phone and tells the carrier to send it calls to its number: only calls
     * presenting {@code forCaller}'s number, or any call to that number when it is null.
     */
    Sipp.Run phone(Sipp.Phone phone, String forCaller) throws IOException {
        String key = digits(phone.number()) + (forCaller == null ? "" : "-" + digits(forCaller));
        Sipp.Run run = Sipp.phone(phone, work, key);
        dbPut("labphone", key, Integer.toString(run.port));
        return run.onClose(() -> dbDel("labphone", key));
    }

    /**
     * Starts a technician's phone for the paging calls of {@code caller}'s incident only. Every
     * paging call shows the desk's number, so the carrier cannot tell them apart by themselves: the
     * harness watches the PBX set PAGERLINE_PAGE_ID on each paging call, finds whose incident the
     * page is, and tells the carrier by the call's SIP Call-ID ({@link #routePage}). So tests that
     * page the same on-call technicians run side by side, each ringing only its own phones.
     */
    Sipp.Run pagePhone(Sipp.Phone phone, String caller) throws IOException {
        String key = digits(phone.number()) + "-" + digits(caller);
        pageCallers.add(caller);
        Sipp.Run run = Sipp.phone(phone, work, "page-" + key);
        dbPut("labpage", key, Integer.toString(run.port));
        return run.onClose(() -> dbDel("labpage", key));
    }

    /** The PBX channels (PJSIP/trunk-...) of the paging calls placed for {@code caller}'s incident so far. */
    Set<String> pagingChannelsOf(String caller) {
        return Set.copyOf(pagingChannels.getOrDefault(caller, Set.of()));
    }

    /** On the AMI reader thread: a paging call was just created (its INVITE leaves after this event). */
    private void routePage(Map<String, String> e) {
        if ("VarSet".equals(e.get("Event")) && AsteriskVoiceChannel.PAGE_ID_VARIABLE.equals(e.get("Variable"))) {
            String channel = e.get("Channel");
            long page = Long.parseLong(e.get("Value"));
            router.execute(() -> {
                try {
                    String callId = ami.getvar(channel, "CHANNEL(pjsip,call-id)");
                    String caller = callerOfPage(page);
                    if (caller != null) {
                        pagingChannels.computeIfAbsent(caller, k -> ConcurrentHashMap.newKeySet()).add(channel);
                    }
                    if (callId != null) {
                        dbPut("labcall", callId, caller == null ? "-" : digits(caller));
                    }
                } catch (IOException | RuntimeException ex) {
                    System.err.println("lab: could not route page " + page + " on " + channel + ": " + ex);
                }
            });
        }
    }

    /** Of the callers with a page phone, the one whose incident {@code pageId} belongs to; null if none. */
    private String callerOfPage(long pageId) {
        for (String caller : pageCallers) {
            Optional<Ticket> t = findTicket(caller);
            if (t.isEmpty()) {
                continue;
            }
            for (Incident i : incidentsOf(t.get().id())) {
                if (services().incidents().show(i.id()).pages().stream().anyMatch(p -> p.id() == pageId)) {
                    return caller;
                }
            }
        }
        return null;
    }

    private void dbPut(String family, String key, String value) {
        carrierDb(Map.of("Action", "DBPut", "Family", family, "Key", key, "Val", value));
    }

    private void dbDel(String family, String key) {
        carrierDb(Map.of("Action", "DBDel", "Family", family, "Key", key));
    }

    private void carrierDb(Map<String, String> action) {
        try {
            Map<String, String> r = carrierAmi.action(action);
            if (!"Success".equals(r.get("Response"))) {
                throw new IllegalStateException("the carrier refused " + action + ": " + r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- what pagerline recorded ---------------------------------------------------------------------

    /** The newest ticket of a caller (waits up to 10 s for it to exist). */
    Ticket ticketOf(String caller) {
        Eventually.await(Duration.ofSeconds(10), "a ticket for " + caller, () -> findTicket(caller).isPresent());
        awaitCallsSaved();
        return findTicket(caller).orElseThrow();
    }

    /** Waits until what the calls handed to pagerline's journal so far is written (a call's last lines follow its end). */
    void awaitCallsSaved() {
        if (!services().calls().awaitSaved(Duration.ofSeconds(10))) {
            throw new AssertionError("the calls' lines were not written within 10 s");
        }
    }

    /** The incidents on a ticket (of the newest 500, open or not). */
    List<Incident> incidentsOf(long ticketId) {
        return services().incidents().list(500, false).stream().filter(i -> i.ticketId() == ticketId).toList();
    }

    /**
     * Resolves the open incidents of a caller's newest ticket, if their call got so far: a test's
     * incident otherwise pages the on-call phones (busy at the carrier) for the rest of the suite.
     */
    void resolveIncidentsOf(String caller) {
        findTicket(caller).ifPresent(t -> incidentsOf(t.id()).stream()
                .filter(i -> i.state() != org.pagerline.core.incident.IncidentState.RESOLVED)
                .forEach(i -> services().incidents().resolve(i.id())));
    }

    /** The calls on a ticket, once each has ended (its last save follows the hang-up): waits up to 10 s. */
    List<org.pagerline.core.call.CallRecord> endedCallsOf(long ticketId) {
        Eventually.await(Duration.ofSeconds(10), "the calls' ends on ticket " + ticketId,
                () -> services().calls().callsOf(ticketId).stream().allMatch(c -> c.outcome() != null));
        return services().calls().callsOf(ticketId);
    }

    Optional<Ticket> findTicket(String caller) {
        return services().tickets().list(500).stream().filter(t -> caller.equals(t.callerNumber())).findFirst();
    }

    List<TicketEvent> timeline(String caller) {
        awaitCallsSaved();
        return services().tickets().show(ticketOf(caller).id()).events();
    }

    /** The ticket's timeline as text, one "KIND detail" a line (for assertion messages). */
    String timelineText(String caller) {
        StringBuilder sb = new StringBuilder();
        for (TicketEvent e : timeline(caller)) {
            sb.append(e.kind()).append(' ').append(e.detail()).append('\n');
        }
        return sb.toString();
    }

    /**
     * A connection of the test's own to pagerline's database (to hold a lock, say): from the
     * server's pool, since nothing outside the server process may open its H2 file.
     */
    java.sql.Connection database() throws java.sql.SQLException {
        return server.connection();
    }

    /**
     * A connection of the test's own whose open transaction holds the ticket's row, as a frozen
     * node's would (roll it back to let go).
     */
    java.sql.Connection holdingTicket(long ticket) throws java.sql.SQLException {
        java.sql.Connection c = database();
        c.setAutoCommit(false);
        try (java.sql.PreparedStatement st = c.prepareStatement("SELECT id FROM tickets WHERE id = ? FOR UPDATE")) {
            st.setLong(1, ticket);
            st.executeQuery().close();
        }
        return c;
    }

    // --- the PBX ---------------------------------------------------------------------------------

    /** One PBX CLI command's output. */
    String cli(String command) {
        return asterisk(env.get("PBX_DIR"), command);
    }

    String carrier(String command) {
        return asterisk(env.get("CARRIER_DIR"), command);
    }

    Path sounds() {
        return Path.of(env.get("SOUNDS_DIR"));
    }

    Path spool() {
        return Path.of(env.get("SPOOL_DIR"));
    }

    private String asterisk(String dir, String command) {
        try {
            return runScript(root, List.of(dir + "/bin/cli", command), 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- cues -------------------------------------------------------------------------------------

    /** The prompts one caller waits for, in order; the next one is cued when pagerline starts it. */
    private static final class Cues {
        final List<String> prompts;
        int next;
        /** The caller's channel on the PBX, once seen. */
        volatile String channel;

        Cues(List<String> prompts) {
            this.prompts = new ArrayList<>(prompts);
        }
    }

    /** On the AMI reader thread: GET DATA / RECORD FILE on a caller's channel starts that caller's next cue. */
    private void cue(Map<String, String> e) {
        String event = e.get("Event");
        if (!("AGIExecStart".equals(event) || "Newexten".equals(event))) {
            return;
        }
        boolean callerLeg = "pagerline-inbound".equals(e.get("Context"));
        boolean techLeg = "pagerline-accept".equals(e.get("Context"));
        if (!callerLeg && !techLeg) {
            return;
        }
        // the technician's leg of the urgent Dial shows the caller as its connected line
        Cues c = cues.get(e.getOrDefault(callerLeg ? "CallerIDNum" : "ConnectedLineNum", ""));
        String cmd = e.getOrDefault("Command", "");
        if (c == null) {
            return;
        }
        if (callerLeg) {
            c.channel = e.get("Channel");
        }
        String asked = "Newexten".equals(event) ? "app:" + e.get("Application")
                : cmd.startsWith("GET DATA ") ? cmd.split(" ")[2].replace("\"", "") : cmd.startsWith("RECORD FILE ") ? "record"
                : cmd.startsWith("EXEC ") ? "exec:" + cmd.split(" ")[1].replace("\"", "") : null;
        if (asked != null && techLeg) {
            asked = "tech:" + asked.replace("pagerline/", "");
        }
        synchronized (c) {
            if (asked == null || c.next >= c.prompts.size()) {
                return;
            }
            String want = c.prompts.get(c.next);
            if (!asked.equals(want) && !asked.equals("pagerline/" + want)) {
                return;
            }
            c.next++;
        }
        try {
            ami.send(Map.of("Action", "PJSIPNotify", "Channel", c.channel, "Variable", "Event=pagerline-cue"));
        } catch (IOException ex) {
            System.err.println("could not cue " + e.get("Channel") + ": " + ex);
        }
    }

    /**
     * Newexten on a caller's channel in [pagerline-inbound]: "exten,priority App(data)"; the AGI
     * commands on it, and on the technician's leg of its urgent Dial ("tech agi ...", in
     * [pagerline-accept], where the caller is the connected line).
     */
    private void trail(Map<String, String> e) {
        if ("pagerline-accept".equals(e.get("Context")) && "AGIExecStart".equals(e.get("Event"))) {
            timed.computeIfAbsent(e.getOrDefault("ConnectedLineNum", ""), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(new Step(eventNanos(e), "tech agi " + e.getOrDefault("Command", "").replace("\"", "")));
            synchronized (timed) {
                timed.notifyAll(); // awaitStep
            }
            return;
        }
        if ("pagerline-queue-exit".equals(e.get("Context")) && "Newexten".equals(e.get("Event"))) {
            // the queue's exit-key context: pagerline moves the channel back before the dialplan runs it
            trails.computeIfAbsent(e.getOrDefault("CallerIDNum", ""), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add("queue-exit: " + e.get("Extension") + "," + e.get("Priority") + " " + e.get("Application"));
            return;
        }
        if (!"pagerline-inbound".equals(e.get("Context"))) {
            return;
        }
        String step = null;
        if ("Newexten".equals(e.get("Event"))) {
            step = e.get("Extension") + "," + e.get("Priority") + " " + e.get("Application") + "(" + e.get("AppData") + ")";
            trails.computeIfAbsent(e.getOrDefault("CallerIDNum", ""), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(step);
        } else if ("AGIExecStart".equals(e.get("Event"))) {
            step = "agi " + e.getOrDefault("Command", "").replace("\"", "");
        }
        if (step != null) {
            timed.computeIfAbsent(e.getOrDefault("CallerIDNum", ""), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(new Step(eventNanos(e), step));
            synchronized (timed) {
                timed.notifyAll(); // awaitStep
            }
        }
    }

    /**
     * When Asterisk raised the event, in nanoseconds: its Timestamp header (manager.conf's
     * timestampevents, seconds with microseconds), else when it was read here.
     */
    private static long eventNanos(Map<String, String> e) {
        String ts = e.get("Timestamp");
        if (ts != null) {
            try {
                return new java.math.BigDecimal(ts.trim()).movePointRight(9).longValue();
            } catch (NumberFormatException ignored) {
                // read time below
            }
        }
        return System.nanoTime();
    }

    /** A step of a caller's channel as AMI told it, when (Asterisk's clock, in ns: only differences mean anything). */
    record Step(long nanos, String what) {}

    /** Steps as lines "   123 ms what", timed from the first (for assertion messages). */
    static String shown(List<Step> steps) {
        long first = steps.isEmpty() ? 0 : steps.get(0).nanos();
        return String.join("\n", steps.stream()
                .map(s -> String.format("%6d ms %s", TimeUnit.NANOSECONDS.toMillis(s.nanos() - first), s.what()))
                .toList());
    }

    /** The index of the first step from {@code from} on that starts with {@code what}; fails, showing {@code shown}, if none. */
    static int index(List<Step> steps, String what, int from, String shown) {
        for (int i = from; i < steps.size(); i++) {
            if (steps.get(i).what().startsWith(what)) {
                return i;
            }
        }
        throw new AssertionError("never " + what + ":\n" + shown);
    }

    private final Map<String, List<Step>> timed = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The caller's channel's steps in [pagerline-inbound], in order, timed: the dialplan's
     * ("exten,prio App(data)", as {@link #dialplan}) and the AGI commands pagerline sent on it
     * ("agi EXEC Playback pagerline/greeting"), and on the technician's leg of its urgent Dial
     * ("tech agi GET DATA pagerline/accept-press-1").
     */
    List<Step> steps(String caller) {
        return List.copyOf(timed.getOrDefault(caller, List.of()));
    }

    /**
     * Waits until the caller's channel has taken a step starting with {@code what} (as {@link #steps}
     * names them, "agi EXEC Playback pagerline/one-moment"); throws if it has not within {@code max}.
     */
    void awaitStep(String caller, String what, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (timed) {
            while (steps(caller).stream().noneMatch(s -> s.what().startsWith(what))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(caller + " never took the step " + what + " within " + max + ": "
                            + steps(caller).stream().map(Step::what).toList());
                }
                TimeUnit.NANOSECONDS.timedWait(timed, left);
            }
        }
    }

    /** The dialplan steps a caller's channel took in [pagerline-inbound], in order ("exten,prio App(data)"). */
    List<String> dialplan(String caller) {
        return List.copyOf(trails.getOrDefault(caller, List.of()));
    }

    /** The caller's channel on the PBX (PJSIP/trunk-...), once pagerline has started with it. */
    String channelOf(String caller) {
        Cues c = cues.get(caller);
        return c == null ? null : c.channel;
    }

    /** True if the caller was sent to the fallback voicemail. */
    boolean reachedFallback(String caller) {
        return dialplan(caller).stream().anyMatch(s -> s.startsWith("fallback,"));
    }

    /**
     * PAGERLINE_RESULT as the dialplan saw it when the call ended (the h extension's NoOp), waiting
     * up to 10 s for the h extension; "" if empty.
     */
    String resultAtHangup(String caller) {
        return atHangup(caller, "result ([A-Z_]*),");
    }

    /**
     * PAGERLINE_NODE as the dialplan saw it when the call ended: the address of the node that served
     * the call (its FastAGI address, set by every script first); "" if empty.
     */
    String nodeAtHangup(String caller) {
        return atHangup(caller, "node ([^)]*)\\)");
    }

    /** What {@code regex}'s group 1 found in the h extension's NoOp, waiting up to 10 s for it; "?" if nothing. */
    private String atHangup(String caller, String regex) {
        Eventually.await(Duration.ofSeconds(10), "the h extension of " + caller + "'s call",
                () -> dialplan(caller).stream().anyMatch(s -> s.startsWith("h,")));
        String h = dialplan(caller).stream().filter(s -> s.startsWith("h,")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(h);
        return m.find() ? m.group(1) : "?";
    }

    /** Listens to the lab PBX's AMI events (for measurements); remove when done. */
    void onEvent(Consumer<Map<String, String>> l) {
        ami.onEvent(l);
    }

    void removeEventListener(Consumer<Map<String, String>> l) {
        ami.removeListener(l);
    }

    // ------------------------------------------------------------------------------------------

    static String digits(String number) {
        return number.replaceAll("[^0-9]", "");
    }

    static String runScript(Path dir, List<String> cmd, long seconds) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " took over " + seconds + " s");
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
