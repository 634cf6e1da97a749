package org.pagerline.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagerline.adapter.agi.AcceptScript;
import org.pagerline.adapter.agi.FallbackMessageScript;
import org.pagerline.adapter.agi.PagingCallScript;
import org.pagerline.adapter.agi.SupportLineScript;
import org.pagerline.config.AgiConfig;
import org.pagerline.config.AmiConfig;
import org.pagerline.config.LineConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.call.HoursReadout;
import org.pagerline.core.call.Prompt;

/**
 * Lints asterisk-dialplan/ the way a real Asterisk 22 would read it (no Asterisk is installable
 * here): the files parse as Asterisk configuration, every context, include, application, AGI script,
 * channel variable, queue option, AMI permission, PJSIP object and sound file they name exists and
 * is current. Each failure names the file and line. What this cannot check (needs a running
 * Asterisk): expression syntax inside $[...], module load order, the provider's SIP behaviour.
 */
class DialplanLintTest {
    static final Path DIR = Path.of("asterisk-dialplan");
    static final Path SOUNDS = DIR.resolve("sounds");
    static final Path AGI_SOURCES = Path.of("src/main/java/org/pagerline/adapter/agi");

    /**
     * Dialplan applications pagerline's files and scripts may use: each checked as current in the
     * Asterisk 22 documentation, https://docs.asterisk.org/Asterisk_22_Documentation/API_Documentation/Dialplan_Applications/
     * (app_dial, app_queue, res_agi, app_stack, app_record, app_playback, app_voicemail, app_exec,
     * pbx_builtins). Add to it only after checking the application there.
     */
    static final Set<String> ASTERISK_22_APPS = Set.of("AGI", "Answer", "Background", "Dial", "ExecIf", "Gosub",
            "GosubIf", "Goto", "GotoIf", "Hangup", "Log", "NoOp", "Playback", "Progress", "Queue", "Read", "Record", "Return",
            "Ringing", "Set", "Verbose", "VoiceMail", "Wait");
    /** Gone from Asterisk 22, with what replaces them (Asterisk 21 removed app_macro, chan_sip and res_monitor). */
    static final Map<String, String> REMOVED_APPS = Map.of("Macro", "Gosub (app_macro was removed in Asterisk 21)",
            "MacroIf", "GosubIf (app_macro was removed in Asterisk 21)",
            "MacroExit", "Return (app_macro was removed in Asterisk 21)",
            "Monitor", "MixMonitor (res_monitor was removed in Asterisk 21)",
            "SIPAddHeader", "PJSIP_HEADER() (chan_sip was removed in Asterisk 21)",
            "DeadAGI", "AGI (DeadAGI is deprecated)");

    /** app_queue's per-queue options (Asterisk 22 queues.conf.sample), and its [general] options. */
    static final Set<String> QUEUE_KEYS = Set.of("musicclass", "announce", "strategy", "servicelevel", "context",
            "penaltymemberslimit", "timeout", "retry", "timeoutpriority", "weight", "wrapuptime", "autofill",
            "autopause", "autopausedelay", "autopausebusy", "autopauseunavail", "maxlen", "setinterfacevar",
            "setqueueentryvar", "setqueuevar", "membergosub", "announce-frequency", "min-announce-frequency",
            "announce-round-seconds", "announce-holdtime", "announce-position", "announce-position-limit",
            "announce-position-only-up", "announce-to-first-user", "periodic-announce", "periodic-announce-frequency",
            "random-periodic-announce", "relative-periodic-announce", "queue-youarenext", "queue-thereare",
            "queue-callswaiting", "queue-holdtime", "queue-minute", "queue-minutes", "queue-seconds",
            "queue-thankyou", "queue-callerannounce", "queue-reporthold", "monitor-type", "monitor-format",
            "joinempty", "leavewhenempty", "eventwhencalled", "eventmemberstatus", "reportholdtime", "ringinuse",
            "memberdelay", "timeoutrestart", "defaultrule", "member", "log-restricted-caller-id");
    static final Set<String> QUEUE_GENERAL_KEYS = Set.of("persistentmembers", "autofill", "monitor-type",
            "updatecdr", "shared_lastcall", "negative_penalty_invalid", "log_membername_as_agent",
            "force_longest_waiting_caller", "log-restricted-caller-id");
    static final Set<String> QUEUE_STRATEGIES = Set.of("ringall", "leastrecent", "fewestcalls", "random", "rrmemory",
            "linear", "wrandom", "rrordered");
    static final Set<String> QUEUE_EMPTY_TOKENS = Set.of("paused", "penalty", "inuse", "ringing", "unavailable",
            "invalid", "unknown", "wrapup", "yes", "no", "strict", "loose");
    /** Keys of queues.conf whose value is a sound file. */
    static final Set<String> QUEUE_SOUND_KEYS = Set.of("announce", "periodic-announce", "queue-youarenext",
            "queue-thereare", "queue-callswaiting", "queue-holdtime", "queue-minute", "queue-minutes", "queue-seconds",
            "queue-thankyou", "queue-reporthold");

    /**
     * The AMI classes pagerline needs, and why. Read: call (OriginateResponse for paging calls),
     * agent (QueueCaller*, AgentCalled/Connect, QueueMember* events). Write: agent (QueueAdd,
     * QueueRemove), originate (Originate into the page context), reporting (CoreSettings, sent by
     * asterisk-java at login to learn the version). QueueStatus needs no class.
     */
    static final Set<String> AMI_READ = Set.of("call", "agent");
    static final Set<String> AMI_WRITE = Set.of("agent", "originate", "reporting");

    /** res_pjsip object types (Asterisk 22). */
    static final Set<String> PJSIP_TYPES = Set.of("endpoint", "aor", "auth", "transport", "identify", "registration");

    /** Variables Asterisk or asterisk-java set, with the values they can take (empty: any). */
    static final Map<String, Set<String>> PLATFORM_VARIABLES = Map.of(
            "AGISTATUS", Set.of("SUCCESS", "FAILURE", "NOTFOUND", "HANGUP"),
            // asterisk-java's AgiConnectionHandler
            "AJ_AGISTATUS", Set.of("SUCCESS", "NOT_FOUND", "FAILED"),
            "DIALSTATUS", Set.of("CHANUNAVAIL", "CONGESTION", "NOANSWER", "BUSY", "ANSWER", "CANCEL", "DONTCALL",
                    "TORTURE", "INVALIDARGS"),
            "QUEUESTATUS", Set.of("TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL", "LEAVEUNAVAIL",
                    "CONTINUE", "WITHDRAW"),
            "HANGUPCAUSE", Set.of());

    static final Pattern AGI_URL = Pattern.compile("agi://([^/,)]+)/([^,)]+)");
    static final Pattern COMPARISON = Pattern.compile("\"\\$\\{([A-Za-z0-9_]+)}\"\\s*(!?=)\\s*\"([^\"]*)\"");
    static final Pattern VARIABLE_REF = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?:[:}])");

    static final Map<String, AsteriskConf> confs = new LinkedHashMap<>();
    static final Dialplan dialplan = new Dialplan();
    static final Settings DEFAULTS = Settings.ofMap(Map.of());

    @BeforeAll
    static void readAll() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
                confs.put(p.getFileName().toString(), AsteriskConf.read(p));
            }
        }
        for (AsteriskConf c : confs.values()) {
            if (isDialplan(c)) {
                dialplan.add(c);
            }
        }
    }

    /** extensions*.conf, and any file one of them includes. */
    static boolean isDialplan(AsteriskConf c) {
        String name = c.path.getFileName().toString();
        if (name.startsWith("extensions")) {
            return true;
        }
        return confs.values().stream().filter(o -> o.path.getFileName().toString().startsWith("extensions"))
                .anyMatch(o -> o.includes.stream().anyMatch(i -> i.target().equals(name)));
    }

    static void assertNone(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            fail(what + ":\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void everyFileParsesAsAsteriskConfigurationAndEveryIncludeExists() {
        assertTrue(confs.keySet().containsAll(List.of("extensions_pagerline.conf", "pagerline-page.conf", "queues.conf",
                "manager.conf", "pjsip.conf")), "expected files in " + DIR.toAbsolutePath() + ", found " + confs.keySet());
        List<String> problems = new ArrayList<>();
        for (AsteriskConf c : confs.values()) {
            problems.addAll(c.problems);
            for (AsteriskConf.Include i : c.includes) {
                if (!Files.isRegularFile(DIR.resolve(i.target()))) {
                    problems.add(i.where() + ": #" + (i.optional() ? "tryinclude" : "include") + " " + i.target()
                            + " names a file that is not shipped in " + DIR);
                }
            }
        }
        problems.addAll(dialplan.problems);
        assertNone("asterisk-dialplan/ does not read as Asterisk configuration", problems);
    }

    @Test
    void everyApplicationIsACurrentAsterisk22ApplicationAndNoChannelIsChanSip() throws IOException {
        List<String> problems = new ArrayList<>();
        forEachStep((ctx, ext, s) -> {
            List<String> apps = new ArrayList<>(List.of(s.app()));
            if (s.app().equals("ExecIf")) {
                // the applications it runs: ExecIf(expr?app(args)[:app(args)])
                Matcher inner = Pattern.compile("[?:]([A-Za-z]+)\\(").matcher(s.args().substring(s.args().indexOf('?')));
                while (inner.find()) {
                    apps.add(inner.group(1));
                }
            }
            for (String app : apps) {
                if (REMOVED_APPS.containsKey(app)) {
                    problems.add(s.where() + ": " + app + " does not exist in Asterisk 22; use " + REMOVED_APPS.get(app));
                } else if (!ASTERISK_22_APPS.contains(app)) {
                    problems.add(s.where() + ": '" + app + "' is not on the Asterisk 22 application list of this test"
                            + " (check it at docs.asterisk.org, then add it to ASTERISK_22_APPS)");
                }
            }
        });
        // what the scripts run with EXEC (AGI command EXEC <app> <args>)
        Matcher exec = Pattern.compile("exec\\(\"([A-Za-z]+)\"").matcher(javaSources());
        while (exec.find()) {
            if (!ASTERISK_22_APPS.contains(exec.group(1))) {
                problems.add("a FastAGI script EXECs '" + exec.group(1) + "', which is not on the Asterisk 22 list");
            }
        }
        for (AsteriskConf c : confs.values()) {
            for (AsteriskConf.Section s : c.sections) {
                for (AsteriskConf.Entry e : s.entries()) {
                    if (Pattern.compile("(^|[^A-Za-z])SIP/").matcher(e.value()).find()) {
                        problems.add(e.where() + ": SIP/ channels went with chan_sip in Asterisk 21; use PJSIP/");
                    }
                }
            }
        }
        List<String> templates = List.of(LineConfig.from(DEFAULTS).dialTemplate(), AmiConfig.from(DEFAULTS).pageDialTemplate(),
                AmiConfig.from(DEFAULTS).memberTemplate());
        for (String t : templates) {
            if (!t.startsWith("PJSIP/") && !t.startsWith("Local/")) {
                problems.add("a default dial template of pagerline, '" + t + "', is neither PJSIP/ nor Local/");
            }
        }
        assertNone("applications or channels Asterisk 22 does not have", problems);
    }

    @Test
    void noStepNamesAFolderOfOneParticularInstallTheSpoolFollowsAsteriskConf() {
        List<String> problems = new ArrayList<>();
        forEachStep((ctx, ext, s) -> {
            if (s.args() != null && s.args().matches("(?s).*/(var|etc|usr)/.*")) {
                problems.add(s.where() + " " + s.app() + "(" + s.args() + "): a fixed path; use ${ASTSPOOLDIR} and friends");
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyGotoGosubAndDialSubroutineLandsOnAnExistingContextExtensionAndPriority() {
        List<String> problems = new ArrayList<>();
        forEachStep((ctx, ext, s) -> {
            switch (s.app()) {
                case "Goto", "Gosub" -> target(ctx, ext, s.args(), s, problems);
                case "GotoIf", "GosubIf" -> {
                    String rest = afterCondition(s.args());
                    if (rest == null) {
                        problems.add(s.where() + ": " + s.app() + " needs condition?destination");
                        return;
                    }
                    for (String branch : rest.split(":")) {
                        if (!branch.isBlank()) {
                            target(ctx, ext, branch.strip(), s, problems);
                        }
                    }
                }
                case "Dial" -> {
                    Matcher u = Pattern.compile("U\\(([^)^]+)").matcher(s.args());
                    while (u.find()) {
                        subroutine(u.group(1), s.where().toString(), problems);
                    }
                    localChannels(s.args(), s.where().toString(), problems);
                }
                default -> { }
            }
        });
        // what pagerline itself sends: Dial U(<line.accept-context>^...), Originate into ami.page-context
        // at s,1, queue members through the member template, inbound calls from pjsip.conf's endpoint
        subroutine(LineConfig.from(DEFAULTS).acceptContext(), "line.accept-context (SupportCall's Dial U())", problems);
        AmiConfig ami = AmiConfig.from(DEFAULTS);
        if (dialplan.find(ami.pageContext(), "s") == null) {
            problems.add("ami.page-context: AsteriskVoiceChannel originates into " + ami.pageContext()
                    + ",s,1, which no shipped file defines");
        }
        localChannels(ami.memberInterface("+12045550123"), "ami.member-template", problems);
        localChannels(ami.pageDialString("+12045550123"), "ami.page-dial-template", problems);
        localChannels(LineConfig.from(DEFAULTS).dialTarget("+12045550123"), "line.dial-template", problems);
        for (AsteriskConf.Section s : conf("pjsip.conf").sections) {
            String context = s.get("context");
            if ("endpoint".equals(s.get("type")) && context != null && !dialplan.contexts.containsKey(context)) {
                problems.add(s.where() + ": endpoint [" + s.name() + "] sends calls to context " + context + ", which no shipped file defines");
            }
        }
        assertNone("dialplan destinations that do not exist", problems);
    }

    /** The one form of every AGI() in the shipped files: the next untried address of [pagerline-agi-hosts]. */
    static final Pattern FAILOVER_AGI = Pattern.compile("^agi://\\$\\{SHIFT\\(PAGERLINE_AGI_UNTRIED\\)}/([A-Za-z0-9_-]+)(,.*)?$");
    /** The context whose s,1 returns pagerline's FastAGI address(es): the one line an administrator edits. */
    static final String HOSTS = "pagerline-agi-hosts";
    static final String ASK_HOSTS = HOSTS + ",s,1";
    static final String FIRST_TRY = "PAGERLINE_AGI_UNTRIED=${GOSUB_RETVAL}";
    static final String NEXT_TRY = "$[\"${PAGERLINE_NODE}\" = \"\" & \"${PAGERLINE_AGI_UNTRIED}\" != \"\"]?";
    /** The fallback's hand-over goes first to the node that served the call, when one did: these two steps. */
    static final String NO_NODE = "$[\"${PAGERLINE_NODE}\" = \"\"]?";
    static final String NODE_FIRST = "PAGERLINE_AGI_UNTRIED=${PAGERLINE_NODE},${PAGERLINE_AGI_UNTRIED}";
    /**
     * The fallback's hand-over ({@code fallback-message}, in the {@code h} extension) goes to the next
     * address until a node has taken it: a repeat changes nothing, so trying again is always safe.
     */
    static final String NEXT_HANDOVER_TRY = "$[\"${PAGERLINE_FALLBACK_TAKEN}\" != \"1\" & \"${PAGERLINE_AGI_UNTRIED}\" != \"\"]?";

    @Test
    void everyAgiUrlNamesAScriptPagerlineRegistersAtItsDefaultAddress() {
        Set<String> registered = Set.of(SupportLineScript.NAME, AcceptScript.NAME, PagingCallScript.NAME,
                FallbackMessageScript.NAME);
        AgiConfig agi = AgiConfig.from(DEFAULTS);
        String address = agi.bind() + ":" + agi.port();
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        Dialplan.Extension hosts = dialplan.find(HOSTS, "s");
        List<String> hostSteps = hosts == null ? List.of()
                : hosts.steps().stream().map(x -> x.priority() + " " + x.app() + "(" + x.args() + ")").toList();
        if (!List.of("1 Return(" + address + ")").equals(hostSteps)) {
            problems.add("[" + HOSTS + "] s must be the one step 1,Return(" + address + ") (pagerline's default"
                    + " agi.bind:agi.port, which Install step 1 rewrites), not " + hostSteps);
        }
        forEachStep((ctx, ext, s) -> {
            if (!s.app().equals("AGI")) {
                return;
            }
            Matcher m = FAILOVER_AGI.matcher(s.args());
            if (!m.matches()) {
                problems.add(s.where() + ": AGI(" + s.args() + ") is not agi://${SHIFT(PAGERLINE_AGI_UNTRIED)}/script: the"
                        + " address must come from [" + HOSTS + "], so that a second node is tried");
                return;
            }
            used.add(m.group(1));
            if (!registered.contains(m.group(1))) {
                problems.add(s.where() + ": AGI script '" + m.group(1) + "' is not one pagerline registers " + registered);
            }
        });
        assertNone("AGI URLs that reach no pagerline script", problems);
        assertEquals(new TreeSet<>(registered), used, "every script pagerline registers is reached from the dialplan");
    }

    /**
     * Each AGI() starts from the whole list (the two steps before it: Gosub to [pagerline-agi-hosts]
     * and keep what it returned; no [globals], whose merging across included files depends on the
     * Asterisk version, and no address written in the AGI() itself), carries a label, and is followed
     * by the step that goes back to it only while PAGERLINE_NODE is empty (no pagerline began the
     * call: see NodeMark) and an address is left. Retrying on AGISTATUS alone would run a call
     * that failed half-way through again on the next node. The fallback's hand-over is the one
     * exception: it goes first to the node that served the call, then to the next address until a
     * node has taken it ({@link #NEXT_HANDOVER_TRY}).
     */
    @Test
    void everyAgiTriesTheNextAddressOnlyWhileNoPagerlineHasBegunTheCall() {
        List<String> problems = new ArrayList<>();
        for (Dialplan.Context c : dialplan.contexts.values()) {
            for (Dialplan.Extension e : c.extensions().values()) {
                List<Dialplan.Step> steps = e.steps();
                for (int i = 0; i < steps.size(); i++) {
                    Dialplan.Step s = steps.get(i);
                    if (!s.app().equals("AGI")) {
                        continue;
                    }
                    boolean handOver = s.args().contains("/" + FallbackMessageScript.NAME + ",");
                    if (handOver) {
                        // the node that served the call first: two steps put PAGERLINE_NODE ahead of the list
                        Dialplan.Step skip = i > 1 ? steps.get(i - 2) : null;
                        Dialplan.Step nodeFirst = i > 0 ? steps.get(i - 1) : null;
                        if (skip == null || !skip.app().equals("GotoIf") || !skip.args().equals(NO_NODE + s.label())
                                || nodeFirst == null || !nodeFirst.app().equals("Set") || !nodeFirst.args().equals(NODE_FIRST)) {
                            problems.add(s.where() + ": the two steps before the hand-over's AGI() must be GotoIf(" + NO_NODE
                                    + s.label() + ") and Set(" + NODE_FIRST + ")");
                        }
                    }
                    int back = handOver ? 2 : 0;
                    Dialplan.Step ask = i > 1 + back ? steps.get(i - 2 - back) : null;
                    Dialplan.Step before = i > back ? steps.get(i - 1 - back) : null;
                    Dialplan.Step after = i + 1 < steps.size() ? steps.get(i + 1) : null;
                    if (ask == null || !ask.app().equals("Gosub") || !ask.args().equals(ASK_HOSTS)
                            || before == null || !before.app().equals("Set") || !before.args().equals(FIRST_TRY)) {
                        problems.add(s.where() + ": the two steps before AGI() must be Gosub(" + ASK_HOSTS + ") and Set("
                                + FIRST_TRY + ")");
                    }
                    String next = handOver ? NEXT_HANDOVER_TRY : NEXT_TRY;
                    if (s.label() == null) {
                        problems.add(s.where() + ": AGI() needs a label for the retry to go back to");
                    } else if (after == null || !after.app().equals("GotoIf") || !after.args().equals(next + s.label())) {
                        problems.add(s.where() + ": the step after AGI() must be GotoIf(" + next + s.label() + ")");
                    }
                }
            }
        }
        assertNone("AGI() steps that do not fail over to the next node, or fail over too eagerly", problems);
    }

    @Test
    void everyVariableTheDialplanBranchesOnIsSetByPagerlineOrAsteriskWithTheValuesCompared() throws Exception {
        Map<String, Set<String>> known = new LinkedHashMap<>(PLATFORM_VARIABLES);
        known.putAll(scriptVariables());
        // what the dialplan sets itself (the untried FastAGI addresses), any value
        forEachStep((ctx, ext, s) -> {
            Matcher set = Pattern.compile("^([A-Za-z0-9_]+)=").matcher(s.args());
            if (s.app().equals("Set") && set.find()) {
                known.putIfAbsent(set.group(1), Set.of());
            }
            if (s.app().equals("Read")) { // the keys pressed, any
                known.putIfAbsent(s.args().split(",")[0].strip(), Set.of());
            }
        });
        List<String> problems = new ArrayList<>();
        forEachStep((ctx, ext, s) -> {
            if (!List.of("GotoIf", "GosubIf", "ExecIf").contains(s.app())) {
                return;
            }
            String cond = s.args().substring(0, s.args().length() - (afterCondition(s.args()) == null ? 0
                    : afterCondition(s.args()).length()));
            Matcher ref = VARIABLE_REF.matcher(cond);
            while (ref.find()) {
                if (!known.containsKey(ref.group(1))) {
                    problems.add(s.where() + ": the dialplan branches on ${" + ref.group(1) + "}, which neither pagerline's"
                            + " scripts nor Asterisk set (known: " + new TreeSet<>(known.keySet()) + ")");
                }
            }
            Matcher cmp = COMPARISON.matcher(cond);
            while (cmp.find()) {
                Set<String> values = known.get(cmp.group(1));
                String v = cmp.group(3);
                if (values != null && !values.isEmpty() && !v.isEmpty() && !values.contains(v)) {
                    problems.add(s.where() + ": compares ${" + cmp.group(1) + "} with \"" + v + "\", a value it never takes "
                            + new TreeSet<>(values));
                }
            }
        });
        forEachStep((ctx, ext, s) -> {
            Matcher m = Pattern.compile("^GOSUB_RESULT=(.*)$").matcher(s.args());
            if (s.app().equals("Set") && m.matches() && !m.group(1).matches("ABORT|CONGESTION|BUSY|CONTINUE|GOTO:.+")) {
                problems.add(s.where() + ": GOSUB_RESULT=" + m.group(1) + " is not one Dial's U() understands"
                        + " (ABORT, CONGESTION, BUSY, CONTINUE, GOTO:...)");
            }
        });
        // and the other way: what the scripts read must be set by someone
        if (!known.containsKey("DIALSTATUS") || !known.containsKey("QUEUESTATUS")) {
            problems.add("the support line reads DIALSTATUS and QUEUESTATUS");
        }
        assertNone("channel variables the dialplan and pagerline disagree on", problems);
    }

    @Test
    void queuesConfUsesOnlyAppQueueOptionsAndAMemberInterfaceItCanRing() {
        AsteriskConf q = conf("queues.conf");
        List<String> problems = new ArrayList<>();
        for (AsteriskConf.Section s : q.sections) {
            Set<String> allowed = s.name().equals("general") ? QUEUE_GENERAL_KEYS : QUEUE_KEYS;
            for (AsteriskConf.Entry e : s.entries()) {
                String key = e.key().toLowerCase(Locale.ROOT);
                if (!allowed.contains(key)) {
                    problems.add(e.where() + ": '" + e.key() + "' is not an app_queue option for [" + s.name() + "]");
                } else if (key.equals("strategy") && !QUEUE_STRATEGIES.contains(e.value())) {
                    problems.add(e.where() + ": strategy '" + e.value() + "' is not one of " + new TreeSet<>(QUEUE_STRATEGIES));
                } else if (key.equals("timeoutpriority") && !e.value().matches("app|conf")) {
                    problems.add(e.where() + ": timeoutpriority must be app or conf");
                } else if (key.equals("joinempty") || key.equals("leavewhenempty")) {
                    for (String t : e.value().split(",")) {
                        if (!QUEUE_EMPTY_TOKENS.contains(t.strip())) {
                            problems.add(e.where() + ": " + key + " token '" + t.strip() + "' is not one of " + new TreeSet<>(QUEUE_EMPTY_TOKENS));
                        }
                    }
                }
            }
        }
        LineConfig line = LineConfig.from(DEFAULTS);
        AmiConfig ami = AmiConfig.from(DEFAULTS);
        Map<String, AsteriskConf.Section> queues = q.byName();
        for (String name : new LinkedHashSet<>(List.of(line.queueName(), ami.queue()))) {
            if (!queues.containsKey(name)) {
                problems.add("queues.conf has no [" + name + "], the queue pagerline uses (line.queue-name / ami.queue)");
            }
        }
        AsteriskConf.Section helpdesk = queues.get(line.queueName());
        String member = ami.memberInterface("+12045550123");
        if (helpdesk != null && member.matches("PJSIP/[^@]+@.+")) {
            // chan_pjsip's device state looks up an endpoint named "<number>@trunk": INVALID
            String join = String.valueOf(helpdesk.get("joinempty")) + "," + helpdesk.get("leavewhenempty");
            if (join.contains("invalid") || "no".equals(helpdesk.get("ringinuse"))) {
                problems.add(helpdesk.where() + ": members like " + member + " have device state INVALID in Asterisk,"
                        + " so with joinempty/leavewhenempty 'invalid' or ringinuse=no the queue never rings anyone;"
                        + " use a Local/ member template (ami.member-template)");
            }
        }
        assertNone("queues.conf problems", problems);
    }

    @Test
    void managerConfGrantsPagerlineExactlyTheAmiClassesItNeeds() {
        AsteriskConf m = conf("manager.conf");
        AmiConfig ami = AmiConfig.from(DEFAULTS);
        AsteriskConf.Section user = m.byName().get(ami.username());
        assertTrue(user != null, "manager.conf has no [" + ami.username() + "] user (ami.username)");
        List<String> problems = new ArrayList<>();
        for (String key : List.of("read", "write")) {
            String v = user.get(key);
            Set<String> granted = new TreeSet<>();
            for (String t : String.valueOf(v).split(",")) {
                granted.add(t.strip().toLowerCase(Locale.ROOT));
            }
            Set<String> needed = new TreeSet<>(key.equals("read") ? AMI_READ : AMI_WRITE);
            if (granted.contains("all") || granted.contains("system") || granted.contains("command") || granted.contains("config")) {
                problems.add(user.where() + ": " + key + " = " + v + " grants all/system/command/config; pagerline needs only " + needed);
            } else if (!granted.equals(needed)) {
                problems.add(user.where() + ": " + key + " = " + v + "; pagerline needs exactly " + needed);
            }
        }
        if (user.get("permit") == null || user.get("deny") == null) {
            problems.add(user.where() + ": the AMI user needs deny/permit to limit where it may log in from");
        }
        String secret = String.valueOf(user.get("secret"));
        if (!secret.startsWith("CHANGE-ME")) {
            problems.add(user.where() + ": the shipped secret must be an obvious placeholder, not a usable password");
        }
        if (!secret.contains(Settings.envName("ami.password"))) {
            problems.add(user.where() + ": the placeholder should name the environment variable pagerline reads, "
                    + Settings.envName("ami.password"));
        }
        assertNone("manager.conf is not least privilege", problems);
    }

    @Test
    void pjsipConfUsesOnlyResPjsipObjectsThatReferToEachOther() {
        AsteriskConf p = conf("pjsip.conf");
        Map<String, Set<String>> byType = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Map<String, AsteriskConf.Where> seen = new LinkedHashMap<>();
        for (AsteriskConf.Section s : p.sections) {
            String type = s.get("type");
            if (type == null || !PJSIP_TYPES.contains(type)) {
                problems.add(s.where() + ": [" + s.name() + "] has type " + type + "; res_pjsip knows " + new TreeSet<>(PJSIP_TYPES));
                continue;
            }
            AsteriskConf.Where before = seen.put(type + "/" + s.name(), s.where());
            if (before != null) {
                problems.add(s.where() + ": a second " + type + " named [" + s.name() + "] (first at " + before + ")");
            }
            byType.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(s.name());
        }
        Map<String, String> refs = Map.of("aors", "aor", "outbound_auth", "auth", "auth", "auth", "transport", "transport",
                "endpoint", "endpoint");
        for (AsteriskConf.Section s : p.sections) {
            for (AsteriskConf.Entry e : s.entries()) {
                String target = refs.get(e.key());
                if (target == null) {
                    continue;
                }
                for (String name : e.value().split(",")) {
                    if (!byType.getOrDefault(target, Set.of()).contains(name.strip())) {
                        problems.add(e.where() + ": " + e.key() + " = " + name.strip() + ", but there is no " + target + " of that name");
                    }
                }
            }
        }
        for (String dial : List.of(LineConfig.from(DEFAULTS).dialTarget("+12045550123"),
                AmiConfig.from(DEFAULTS).pageDialString("+12045550123"))) {
            Matcher m = Pattern.compile("^PJSIP/[^@]*@(.+)$").matcher(dial);
            if (m.matches() && !byType.getOrDefault("endpoint", Set.of()).contains(m.group(1))) {
                problems.add("pagerline dials " + dial + " but pjsip.conf has no endpoint [" + m.group(1) + "]");
            }
        }
        assertNone("pjsip.conf problems", problems);
    }

    @Test
    void everySoundPlayedIsShippedAsA8kHzMonoWavOrIsAListedCoreSound() throws IOException {
        Map<String, String> prompts = promptsTxt();
        Set<String> core = coreSounds();
        List<String> problems = new ArrayList<>();
        Map<String, String> played = new LinkedHashMap<>();
        for (Prompt p : Prompt.values()) {
            played.put(p.file(), "Prompt." + p.name());
            if (!p.text().equals(prompts.get(p.file()))) {
                problems.add("sounds/prompts.txt: " + p.file() + " says '" + prompts.get(p.file()) + "' but Prompt." + p.name()
                        + " (the transcript) says '" + p.text() + "'");
            }
        }
        Matcher literal = Pattern.compile("\"((?:pagerline/|vm-|digits/|beep)[A-Za-z0-9/_-]*)\"").matcher(javaSources());
        while (literal.find()) {
            played.putIfAbsent(literal.group(1), "a FastAGI script in " + AGI_SOURCES);
        }
        forEachStep((ctx, ext, s) -> {
            if (s.app().equals("Playback") || s.app().equals("Background")) {
                for (String f : s.args().split(",")[0].split("&")) {
                    played.putIfAbsent(f.strip(), s.where().toString());
                }
            }
            String[] read = s.args().split(",");
            if (s.app().equals("Read") && read.length > 1 && !read[1].isBlank()) {
                for (String f : read[1].split("&")) {
                    played.putIfAbsent(f.strip(), s.where().toString());
                }
            }
            if (s.app().equals("Record") && !s.args().matches(".*,[a-z]*q[a-z]*$")) {
                played.putIfAbsent("beep", s.where() + " (Record's tone)");
            }
        });
        for (AsteriskConf.Section s : conf("queues.conf").sections) {
            for (AsteriskConf.Entry e : s.entries()) {
                if (QUEUE_SOUND_KEYS.contains(e.key())) {
                    for (String f : e.value().split(",")) {
                        played.putIfAbsent(f.strip(), e.where().toString());
                    }
                }
            }
        }
        String java = javaSources();
        if (java.contains("SayDigitsCommand") || java.contains("sayDigits") || java.contains("sayNumber")) {
            for (int d = 0; d <= 9; d++) {
                played.putIfAbsent("digits/" + d, "SAY DIGITS / SAY NUMBER");
            }
        }
        for (String f : HoursReadout.everySound()) {
            played.putIfAbsent(f, "the out-of-hours read-out (HoursReadout)");
        }
        if (java.contains("RecordFileCommand")) {
            played.putIfAbsent("beep", "RECORD FILE with beep");
        }
        for (Map.Entry<String, String> e : played.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("pagerline/")) {
                Path wav = SOUNDS.resolve("en").resolve(name + ".wav");
                if (!Files.isRegularFile(wav)) {
                    problems.add(e.getValue() + " plays " + name + ", but " + wav + " is not shipped (add it to sounds/prompts.txt"
                            + " and run scripts/make-prompts)");
                } else {
                    String bad = wavProblem(wav);
                    if (bad != null) {
                        problems.add(wav + ": " + bad + " (Asterisk plays 8 kHz mono 16-bit PCM .wav as-is)");
                    }
                }
                if (!prompts.containsKey(name)) {
                    problems.add(e.getValue() + " plays " + name + ", which sounds/prompts.txt has no words for");
                }
            } else if (!core.contains(name)) {
                problems.add(e.getValue() + " plays " + name + ", which is neither a pagerline prompt nor in sounds/core-sounds-used.txt");
            }
        }
        for (String name : prompts.keySet()) {
            if (!Files.isRegularFile(SOUNDS.resolve("en").resolve(name + ".wav"))) {
                problems.add("sounds/prompts.txt: " + name + " has no rendered .wav (run scripts/make-prompts)");
            }
        }
        try (Stream<Path> wavs = Files.walk(SOUNDS.resolve("en"))) {
            for (Path w : wavs.filter(f -> f.toString().endsWith(".wav")).toList()) {
                String name = SOUNDS.resolve("en").relativize(w).toString().replace('\\', '/').replaceAll("\\.wav$", "");
                if (!prompts.containsKey(name)) {
                    problems.add(w + " is shipped but sounds/prompts.txt does not list it (stale?)");
                }
            }
        }
        assertNone("sounds pagerline plays that an Asterisk install would not have", problems);
    }

    // --- helpers ---------------------------------------------------------------------------------

    interface StepVisitor {
        void visit(Dialplan.Context ctx, Dialplan.Extension ext, Dialplan.Step step);
    }

    static void forEachStep(StepVisitor v) {
        for (Dialplan.Context c : dialplan.contexts.values()) {
            for (Dialplan.Extension e : c.extensions().values()) {
                for (Dialplan.Step s : e.steps()) {
                    v.visit(c, e, s);
                }
            }
        }
    }

    static AsteriskConf conf(String name) {
        AsteriskConf c = confs.get(name);
        assertTrue(c != null, DIR.resolve(name) + " is missing");
        return c;
    }

    /** The part of a GotoIf/ExecIf argument after the $[...] condition's '?', or null. */
    static String afterCondition(String args) {
        String a = args.strip();
        if (a.startsWith("$[")) {
            int depth = 0;
            for (int i = 1; i < a.length(); i++) {
                char ch = a.charAt(i);
                if (ch == '[') {
                    depth++;
                } else if (ch == ']' && --depth == 0) {
                    String rest = a.substring(i + 1);
                    return rest.startsWith("?") ? rest.substring(1) : null;
                }
            }
            return null;
        }
        int q = a.indexOf('?');
        return q < 0 ? null : a.substring(q + 1);
    }

    /** [[context,]exten,]priority|label, checked against the dialplan. */
    static void target(Dialplan.Context ctx, Dialplan.Extension ext, String dest, Dialplan.Step s, List<String> problems) {
        String d = dest.contains("(") ? dest.substring(0, dest.indexOf('(')) : dest; // Gosub arguments
        String[] parts = d.split(",");
        String context = parts.length == 3 ? parts[0].strip() : ctx.name();
        String exten = parts.length >= 2 ? parts[parts.length - 2].strip() : ext.name();
        String prio = parts[parts.length - 1].strip();
        if (context.contains("${") || exten.contains("${") || prio.contains("${")) {
            return; // computed at run time
        }
        if (!dialplan.contexts.containsKey(context)) {
            problems.add(s.where() + ": " + s.app() + " to context '" + context + "', which no shipped file defines");
            return;
        }
        Dialplan.Extension target = dialplan.find(context, exten);
        if (target == null) {
            problems.add(s.where() + ": " + s.app() + " to " + exten + " in [" + context + "], which has no such extension");
            return;
        }
        boolean found = prio.equals("1") && !target.steps().isEmpty()
                || target.steps().stream().anyMatch(x -> prio.equals(x.label()))
                || prio.matches("\\d+") && Integer.parseInt(prio) <= target.steps().size();
        if (!found) {
            problems.add(s.where() + ": " + s.app() + " to priority/label '" + prio + "' of " + exten + "@" + context + ", which does not exist");
        }
    }

    static void subroutine(String context, String where, List<String> problems) {
        if (!dialplan.contexts.containsKey(context)) {
            problems.add(where + ": Dial U(" + context + ") runs a subroutine context that no shipped file defines");
        } else if (dialplan.find(context, "s") == null) {
            problems.add(where + ": Dial U(" + context + ") starts at s,1 but [" + context + "] has no s extension");
        } else {
            Dialplan.Extension s = dialplan.find(context, "s");
            if (s.steps().stream().noneMatch(x -> x.app().equals("Return"))) {
                problems.add(where + ": [" + context + "] is a U() subroutine but never Return()s");
            }
        }
    }

    static void localChannels(String text, String where, List<String> problems) {
        Matcher m = Pattern.compile("Local/([^@/,&)]+)@([A-Za-z0-9_.-]+)").matcher(text);
        while (m.find()) {
            String exten = m.group(1).replace("${EXTEN}", "12045550123");
            if (dialplan.find(m.group(2), exten) == null) {
                problems.add(where + ": Local/" + m.group(1) + "@" + m.group(2) + " dials an extension no shipped context has");
            }
        }
    }

    /** Every String constant named VAR_* or *_VARIABLE in the AGI scripts, with the literal values the sources give it. */
    static Map<String, Set<String>> scriptVariables() throws Exception {
        Map<String, Set<String>> vars = new LinkedHashMap<>();
        String src = javaSources();
        for (String cls : List.of("SupportCall", "SupportLineScript", "AcceptScript", "PagingCallScript", "NodeMark",
                "FallbackMessageScript")) {
            for (Field f : Class.forName("org.pagerline.adapter.agi." + cls).getDeclaredFields()) {
                if (f.getType() == String.class && Modifier.isStatic(f.getModifiers())
                        && (f.getName().startsWith("VAR_") || f.getName().endsWith("_VARIABLE"))) {
                    f.setAccessible(true);
                    String variable = (String) f.get(null);
                    Set<String> values = new TreeSet<>();
                    Matcher set = Pattern.compile("set\\((?:[A-Za-z]+\\.)?" + f.getName() + ",([^;]*)\\);").matcher(src);
                    while (set.find()) {
                        Matcher lit = Pattern.compile("\"([^\"]*)\"").matcher(set.group(1));
                        while (lit.find()) {
                            values.add(lit.group(1));
                        }
                    }
                    vars.computeIfAbsent(variable, k -> new TreeSet<>()).addAll(values);
                }
            }
        }
        // the ids are numbers, not an enumeration
        for (String v : List.of("PAGERLINE_TICKET", "PAGERLINE_CALL", "PAGERLINE_PAGE_ID", "PAGERLINE_NODE")) {
            vars.computeIfPresent(v, (k, x) -> new TreeSet<>());
        }
        return vars;
    }

    static String javaSources() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(AGI_SOURCES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                b.append(Files.readString(p)).append('\n');
            }
        }
        return b.toString();
    }

    static Map<String, String> promptsTxt() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(SOUNDS.resolve("prompts.txt"));
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            int bar = l.indexOf('|');
            assertTrue(bar > 0 && bar < l.length() - 1, "sounds/prompts.txt:" + (i + 1) + ": expected name|text, got '" + l + "'");
            String before = m.put(l.substring(0, bar), l.substring(bar + 1));
            assertTrue(before == null, "sounds/prompts.txt:" + (i + 1) + ": " + l.substring(0, bar) + " is listed twice");
        }
        return m;
    }

    static Set<String> coreSounds() throws IOException {
        Set<String> s = new TreeSet<>();
        for (String l : Files.readAllLines(SOUNDS.resolve("core-sounds-used.txt"))) {
            if (!l.isBlank() && !l.startsWith("#")) {
                s.add(l.strip());
            }
        }
        return s;
    }

    /** null if {@code wav} is RIFF/WAVE PCM, 1 channel, 8000 Hz, 16 bits with some audio; else what is wrong. */
    static String wavProblem(Path wav) throws IOException {
        byte[] b = Files.readAllBytes(wav);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b.length < 44 || !new String(b, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                || !new String(b, 8, 4, StandardCharsets.US_ASCII).equals("WAVE")) {
            return "not a RIFF/WAVE file";
        }
        int pos = 12;
        boolean fmtOk = false;
        long dataBytes = -1;
        while (pos + 8 <= b.length) {
            String id = new String(b, pos, 4, StandardCharsets.US_ASCII);
            int size = bb.getInt(pos + 4);
            if (id.equals("fmt ")) {
                int format = bb.getShort(pos + 8) & 0xffff;
                int channels = bb.getShort(pos + 10);
                int rate = bb.getInt(pos + 12);
                int bits = bb.getShort(pos + 22);
                if (format != 1 || channels != 1 || rate != 8000 || bits != 16) {
                    return "format " + format + ", " + channels + " channel(s), " + rate + " Hz, " + bits + " bits";
                }
                fmtOk = true;
            } else if (id.equals("data")) {
                dataBytes = size;
            }
            pos += 8 + size + (size & 1);
        }
        if (!fmtOk) {
            return "no fmt chunk";
        }
        return dataBytes < 8000 ? "less than half a second of audio" : null;
    }
}
