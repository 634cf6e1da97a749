package org.pagerline.dialplan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.DialplanInstall;

/**
 * The shipped dialplan's failover between pagerline nodes, walked step by step: the lines of
 * asterisk-dialplan/ as installed by its README's Install step 1 (the block run by bash, with
 * {@code AGI=} the addresses and /etc/asterisk mapped to a temporary folder, as scripts/asterisk-lab
 * does), with what each FastAGI address does (refused, began the call and failed, served it) played
 * by the test. Only what those lines use is modelled, as Asterisk 22.10.1 does it (read in its
 * source): {@code ${VAR}} from the channel; {@code Gosub}/{@code Return(value)} (app_stack: the whole
 * argument of Return, commas included, becomes GOSUB_RETVAL); {@code SHIFT()} (func_strings: takes
 * the first comma-separated item off the variable); {@code $[...]} compares quoted strings, {@code &}
 * before {@code |}; AGI sets AGISTATUS (res_agi: FAILURE for a refused or unanswered connection and
 * for a command that failed, SUCCESS for a connection closed before any command), and a script that
 * began sets its variables. SecondNodeAsteriskIT holds the same on a real Asterisk.
 */
class DialplanFailoverTest {
    @TempDir
    static Path installs;
    private static final Map<String, Dialplan> installed = new ConcurrentHashMap<>();

    /** The shipped files, unchanged. */
    static Dialplan shipped() {
        return read(DialplanLintTest.DIR);
    }

    /** The shipped files after Install step 1 with {@code AGI=<hosts>} (the README's own block, run by bash). */
    static Dialplan installedWith(String hosts) {
        return installed.computeIfAbsent(hosts, h -> {
            try {
                Path etc = Files.createTempDirectory(installs, "etc-asterisk-");
                for (String f : List.of("extensions_pagerline.conf", "pagerline-page.conf")) {
                    Files.copy(DialplanLintTest.DIR.resolve(f), etc.resolve(f));
                }
                DialplanInstall.run("AGI=", etc, Map.of("AGI", h));
                return read(etc);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Dialplan read(Path dir) {
        Dialplan d = new Dialplan();
        for (String f : List.of("extensions_pagerline.conf", "pagerline-page.conf")) {
            d.add(AsteriskConf.read(dir.resolve(f)));
        }
        assertEquals(List.of(), d.problems);
        return d;
    }

    /** What one FastAGI address does with a call: the AGISTATUS it ends with and the variables it set. */
    record Node(String agistatus, Map<String, String> sets) {
        static final Node DOWN = new Node("FAILURE", Map.of());
        static final Node CLOSES_AT_ONCE = new Node("SUCCESS", Map.of());

        static Node beginsAndFails(String address) {
            return new Node("FAILURE", Map.of("PAGERLINE_NODE", address));
        }

        static Node serves(String address, Map<String, String> vars) {
            Map<String, String> all = new HashMap<>(vars);
            all.put("PAGERLINE_NODE", address);
            all.put("AJ_AGISTATUS", "SUCCESS");
            return new Node("SUCCESS", all);
        }
    }

    /** One channel running one extension of the dialplan to its end (or its Return, for a subroutine). */
    static final class Walk {
        final Dialplan plan;
        final Map<String, String> vars = new HashMap<>();
        final List<String> agi = new ArrayList<>();
        final List<String> apps = new ArrayList<>();
        final Function<String, Node> nodes;
        int steps;
        boolean ended;

        Walk(Dialplan plan, Function<String, Node> nodes) {
            this.plan = plan;
            this.nodes = nodes;
        }

        Walk run(String context, String exten) {
            frame(context, exten);
            return this;
        }

        /** Runs context,exten from 1 until Return() (back to the caller's frame) or the call ends. */
        private void frame(String context, String exten) {
            Dialplan.Extension e = plan.find(context, exten);
            assertTrue(e != null, "no " + exten + "@" + context);
            int i = 0;
            while (i < e.steps().size()) {
                assertTrue(++steps < 200, "the walk loops: " + apps);
                Dialplan.Step s = e.steps().get(i);
                String args = substitute(s.args());
                apps.add(context + "," + exten + " " + s.app() + "(" + args + ")");
                switch (s.app()) {
                    case "Set" -> vars.put(args.substring(0, args.indexOf('=')), args.substring(args.indexOf('=') + 1));
                    case "AGI" -> {
                        Matcher m = Pattern.compile("^agi://([^/]*)/").matcher(args);
                        assertTrue(m.find(), args);
                        agi.add(m.group(1));
                        Node n = nodes.apply(m.group(1));
                        vars.put("AGISTATUS", n.agistatus());
                        vars.putAll(n.sets());
                    }
                    case "Gosub" -> {
                        String[] to = args.split(",");
                        assertTrue(to.length == 3 && to[2].equals("1"), "Gosub(context,exten,1) expected: " + args);
                        frame(to[0], to[1]);
                        if (ended) {
                            return;
                        }
                    }
                    case "GotoIf" -> {
                        String[] branch = args.split("\\?", 2);
                        String[] to = branch[1].split(":", -1);
                        String dest = truth(branch[0]) ? to[0] : (to.length > 1 ? to[1] : "");
                        if (!dest.isEmpty()) {
                            String[] parts = dest.split(",");
                            if (parts.length == 2) {
                                frame(context, parts[0]);
                                return;
                            }
                            i = label(e, parts[0]);
                            continue;
                        }
                    }
                    case "Return" -> {
                        vars.put("GOSUB_RETVAL", args);
                        return;
                    }
                    case "Hangup" -> {
                        ended = true;
                        return;
                    }
                    default -> { }
                }
                i++;
            }
            ended = true;
        }

        private static int label(Dialplan.Extension e, String label) {
            for (int i = 0; i < e.steps().size(); i++) {
                if (label.equals(e.steps().get(i).label())) {
                    return i;
                }
            }
            throw new AssertionError("no label " + label + " in " + e.name());
        }

        /** ${...} innermost first: SHIFT() takes the first item off its variable; other functions read as "". */
        String substitute(String text) {
            Pattern inner = Pattern.compile("\\$\\{([^${}]*)}");
            String out = text;
            for (Matcher m = inner.matcher(out); m.find(); m = inner.matcher(out)) {
                String expr = m.group(1);
                String value;
                Matcher shift = Pattern.compile("^SHIFT\\(([A-Za-z0-9_]+)\\)$").matcher(expr);
                if (shift.matches()) {
                    String list = vars.getOrDefault(shift.group(1), "");
                    int comma = list.indexOf(',');
                    value = comma < 0 ? list : list.substring(0, comma);
                    vars.put(shift.group(1), comma < 0 ? "" : list.substring(comma + 1));
                } else if (expr.matches("[A-Za-z0-9_]+")) {
                    value = vars.getOrDefault(expr, "");
                } else {
                    value = "";
                }
                out = out.substring(0, m.start()) + value + out.substring(m.end());
            }
            return out;
        }

        /** $["a" = "b" & "c" != "" | ...]: comparisons of quoted strings, & before |. */
        static boolean truth(String condition) {
            String c = condition.strip();
            assertTrue(c.startsWith("$[") && c.endsWith("]"), condition);
            c = c.substring(2, c.length() - 1);
            for (String or : c.split("\\|")) {
                boolean all = true;
                for (String and : or.split("&")) {
                    Matcher m = Pattern.compile("^\\s*\"([^\"]*)\"\\s*(!?=)\\s*\"([^\"]*)\"\\s*$").matcher(and);
                    assertTrue(m.matches(), "cannot read '" + and + "' in " + condition);
                    all &= m.group(1).equals(m.group(3)) == m.group(2).equals("=");
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }

        boolean ran(String app) {
            return apps.stream().anyMatch(a -> a.contains(" " + app));
        }
    }

    static final String A = "10.0.0.11:4573";
    static final String B = "10.0.0.12:4573";
    static final Map<String, String> HELPED = Map.of("PAGERLINE_RESULT", "VOICEMAIL", "PAGERLINE_TICKET", "7");

    private static Walk caller(String hosts, Function<String, Node> nodes) {
        return new Walk(installedWith(hosts), nodes).run("pagerline-inbound", "s");
    }

    @Test
    void oneNodeAsShippedServesTheCallWithOneTry() {
        Walk w = new Walk(shipped(), a -> Node.serves(a, HELPED)).run("pagerline-inbound", "s");
        assertEquals(List.of("127.0.0.1:4573"), w.agi);
        assertFalse(w.ran("Record("), w.apps.toString());
        assertEquals("VOICEMAIL", w.vars.get("PAGERLINE_RESULT"));
    }

    @Test
    void installStepOneWritesTheAddressesIntoTheOneLineEveryAgiAsks() {
        Dialplan d = installedWith(A + "," + B);
        List<String> hosts = d.find("pagerline-agi-hosts", "s").steps().stream().map(s -> s.app() + "(" + s.args() + ")").toList();
        assertEquals(List.of("Return(" + A + "," + B + ")"), hosts);
        // and nothing else changed: the rest of the files is as shipped
        Dialplan as = shipped();
        for (Dialplan.Context c : as.contexts.values()) {
            if (!c.name().equals("pagerline-agi-hosts")) {
                for (Dialplan.Extension e : c.extensions().values()) {
                    assertEquals(e.steps().stream().map(s -> s.app() + "(" + s.args() + ")").toList(),
                            d.find(c.name(), e.name()).steps().stream().map(s -> s.app() + "(" + s.args() + ")").toList());
                }
            }
        }
    }

    @Test
    void oneNodeThatIsDownSendsTheCallerToTheFallbackAfterOneTry() {
        Walk w = caller(A, a -> Node.DOWN);
        assertEquals(List.of(A), w.agi);
        assertTrue(w.ran("Record("), "the fallback records the message: " + w.apps);
    }

    @Test
    void theFirstNodeDownTheSecondServesTheCallerWithoutTheFallback() {
        Walk w = caller(A + "," + B, a -> a.equals(A) ? Node.DOWN : Node.serves(a, HELPED));
        assertEquals(List.of(A, B), w.agi);
        assertEquals(B, w.vars.get("PAGERLINE_NODE"));
        assertFalse(w.ran("Record("), w.apps.toString());
    }

    @Test
    void aFirstNodeThatClosesBeforeBeginningIsPassedOverToo() {
        Walk w = caller(A + "," + B, a -> a.equals(A) ? Node.CLOSES_AT_ONCE : Node.serves(a, HELPED));
        assertEquals(List.of(A, B), w.agi);
        assertFalse(w.ran("Record("), w.apps.toString());
    }

    @Test
    void aCallTheFirstNodeBeganAndFailedIsNotRunAgainButTakenByTheFallback() {
        Walk w = caller(A + "," + B, a -> a.equals(A) ? Node.beginsAndFails(a) : Node.serves(a, HELPED));
        assertEquals(List.of(A), w.agi, "never greeted a second time by the other node");
        assertTrue(w.ran("Record("), w.apps.toString());
    }

    @Test
    void bothNodesDownTheFallbackAfterTryingEach() {
        Walk w = caller(A + "," + B, a -> Node.DOWN);
        assertEquals(List.of(A, B), w.agi);
        assertTrue(w.ran("Record("), w.apps.toString());
    }

    @Test
    void theTechniciansAcceptLegReachesTheSecondNodeAndIsPutThrough() {
        Walk w = new Walk(installedWith(A + "," + B),
                a -> a.equals(A) ? Node.DOWN : Node.serves(a, Map.of("PAGERLINE_ACCEPTED", "1"))).run("pagerline-accept", "s");
        assertEquals(List.of(A, B), w.agi);
        assertFalse(w.ended, "the subroutine returns to Dial: " + w.apps);
        assertFalse("CONTINUE".equals(w.vars.get("GOSUB_RESULT")), "accepted: the legs are bridged " + w.apps);
    }

    @Test
    void thePagingCallReachesTheSecondNodeAndIsNotToldThePagingSystemIsDown() {
        Walk ok = new Walk(installedWith(A + "," + B), a -> a.equals(A) ? Node.DOWN : Node.serves(a, Map.of()))
                .run("pagerline-page", "s");
        assertEquals(List.of(A, B), ok.agi);
        assertFalse(ok.ran("Playback(pagerline/page-unavailable"), ok.apps.toString());

        Walk failed = new Walk(installedWith(A + "," + B), a -> a.equals(A) ? Node.beginsAndFails(a) : Node.serves(a, Map.of()))
                .run("pagerline-page", "s");
        assertEquals(List.of(A), failed.agi, "a page the first node began is not played again by the second");
        assertTrue(failed.ran("Playback(pagerline/page-unavailable"), failed.apps.toString());
    }
}
