package org.pagerline.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.pagerline.cli.simulate.AgiPeer;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.core.call.CallStep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code pagerline simulate call}: try the support line without a PBX. */
@Command(name = "simulate", mixinStandardHelpOptions = true, description = "Try the line without a PBX.",
        subcommands = {SimulateCommand.Call.class, SimulateEmail.class})
final class SimulateCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "call", mixinStandardHelpOptions = true,
            description = {"Calls a running pagerline server's FastAGI port exactly as Asterisk 22 would, plays the caller, "
                    + "and prints the conversation. The call is real to pagerline: it opens or updates a ticket.",
                    "Example: pagerline simulate call --from +12045550123 --press 1,2,1 --tech ignore"})
    static final class Call implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        SimulateCommand parent;

        @Option(names = "--from", required = true, description = "Caller ID (E.164, a national number, or '' for withheld).")
        String from;

        @Option(names = "--press", defaultValue = "",
                description = "Answers to the prompts in order: '1,2,2045550199' or one key per prompt '121'; '_' is silence.")
        String press;

        @Option(names = "--hangup-at", paramLabel = "STEP",
                description = "Hang up at this step: greeting, urgency, priority, ringing, hours, menu, queue, callback, recording,"
                        + " tone (during the recording's beep, before anything is recorded), ticket.")
        String hangupAt;

        @Option(names = "--tech", defaultValue = "accept",
                description = "What the on-call technician does when rung: accept (presses 1), ignore (voicemail answers), noanswer, busy,"
                        + " accept_then_hang_up (presses 1, hangs up before being put through).")
        String tech;

        @Option(names = "--queue", defaultValue = "answered", description = "How the help-desk queue ends: answered, timeout, joinempty, hangup, key (the caller presses 1 in the queue to leave a message), declined (presses 1 during the hold prompt).")
        String queue;

        @Option(names = "--agi-host", defaultValue = "127.0.0.1", description = "pagerline's FastAGI host (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--agi-port", defaultValue = "4573", description = "pagerline's FastAGI port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--script", defaultValue = "support-line", description = "FastAGI script name (default: ${DEFAULT-VALUE}).")
        String script;

        @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for each command (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        public Integer call() {
            boolean atTone = CallerScript.AT_THE_TONE.equalsIgnoreCase(String.valueOf(hangupAt).trim());
            String step = hangupAt == null ? null : atTone ? CallStep.RECORDING.wireName() : CallStep.parse(hangupAt).wireName();
            checkCallerId(from);
            List<String> presses = CallerScript.parsePressesStrictly(press);
            CallerScript caller = new CallerScript(presses, atTone ? CallerScript.AT_THE_TONE : step,
                    parse(CallerScript.Technician.class, "--tech", tech), parse(CallerScript.QueueEnd.class, "--queue", queue), null);
            if (port < 1 || port > 65535 || timeoutSeconds < 1) {
                throw Cli.invalid("--agi-port must be 1 to 65535 and --timeout positive");
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String uid = (1_700_000_000L + r.nextLong(100_000_000L)) + "." + r.nextInt(1, 10_000);
            Conversation c = AgiPeer.run(new AgiPeer.Call(host, port, script, from, null, uid, List.of(), caller,
                    Duration.ofSeconds(timeoutSeconds)));
            var out = parent.root.out();
            out.println("calling agi://" + host + ":" + port + "/" + script + " from " + (from.isEmpty() ? "a withheld number" : from)
                    + " (Asterisk unique id " + uid + ")");
            c.transcript().forEach(out::println);
            if (c.error() != null && c.exchanges().isEmpty()) {
                throw new IllegalStateException("cannot reach pagerline at " + host + ":" + port + ": " + c.error());
            }
            out.println("--- " + (c.callerHungUp() ? "the caller hung up" : "pagerline ended the call")
                    + "; PAGERLINE_RESULT=" + nz(c.variable("PAGERLINE_RESULT")) + ", ticket " + nz(c.variable("PAGERLINE_TICKET"))
                    + (c.variable("AJ_AGISTATUS") == null ? "" : ", AJ_AGISTATUS=" + c.variable("AJ_AGISTATUS"))
                    + (c.error() == null ? "" : "; warning: " + c.error()));
            if (c.error() != null) {
                return Cli.FAULT;
            }
            // what the caller was told to do and the call never asked of them: said after the run
            List<String> unmet = new java.util.ArrayList<>();
            if (step != null && !c.steps().contains(step)) {
                unmet.add("--hangup-at " + step + ": the call never reached that step (it went "
                        + (c.steps().isEmpty() ? "through no step" : String.join(", ", dedupe(c.steps()))) + ")");
            }
            if (c.pressesUsed() < presses.size()) {
                List<String> left = presses.subList(c.pressesUsed(), presses.size()).stream()
                        .map(p -> p.isEmpty() ? "_" : p).toList();
                unmet.add("--press: " + left.size() + " answer(s) not used (" + String.join(",", left) + "): the call asked for "
                        + c.pressesUsed());
            }
            if (!unmet.isEmpty()) {
                throw Cli.invalid(String.join("; ", unmet));
            }
            return Cli.OK;
        }

        /** Consecutive repeats folded: a step set twice in a row is gone through once. */
        private static List<String> dedupe(List<String> steps) {
            List<String> out = new java.util.ArrayList<>();
            for (String s : steps) {
                if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                    out.add(s);
                }
            }
            return out;
        }

        /** A caller ID is a number (E.164 or national; spaces, dots, dashes and brackets forgiven) or '' for withheld. */
        static void checkCallerId(String from) {
            if (from.isEmpty()) {
                return;
            }
            String digits = from.replaceAll("[\\s().-]", "");
            if (!digits.matches("\\+?[0-9]{2,15}")) {
                throw Cli.invalid("--from '" + from + "' is not a phone number (E.164 like +12045550123, a national number,"
                        + " or '' for a withheld number)");
            }
        }

        private static <E extends Enum<E>> E parse(Class<E> type, String option, String text) {
            try {
                return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw Cli.invalid(option + " '" + text + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
            }
        }

        private static String nz(String s) {
            return s == null ? "-" : s;
        }
    }
}
