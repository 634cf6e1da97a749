package org.pagerline.cli.simulate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pagerline.core.call.Prompt;

/**
 * What happened on one simulated call: every command pagerline sent with the replies given, the
 * channel variables it set, and how long pagerline took to send each command after the previous
 * reply (its own time per command, the network being loopback). Filled by {@link AgiPeer}.
 */
public final class Conversation {
    /** One command and the reply lines (a "HANGUP" line may precede a 511). */
    public record Exchange(AgiCommandLine command, List<String> reply, long serverNanos) {}

    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> variables = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Conversation> acceptLegs = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean callerHungUp;
    private volatile boolean closedByServer;
    private volatile String error;
    private volatile int pressesUsed;
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());

    void add(Exchange e) {
        exchanges.add(e);
    }

    void hungUp() {
        callerHungUp = true;
    }

    void pressUsed() {
        pressesUsed++;
    }

    void step(String step) {
        steps.add(step);
    }

    /** How many of the caller's answers ({@link CallerScript#presses}) a prompt took. */
    public int pressesUsed() {
        return pressesUsed;
    }

    /** The steps the call went through (PAGERLINE_STEP as pagerline set it), in order. */
    public List<String> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    void markClosedByServer() {
        closedByServer = true;
    }

    void error(String e) {
        error = e;
    }

    Map<String, String> mutableVariables() {
        return variables;
    }

    void addAcceptLeg(Conversation c) {
        acceptLegs.add(c);
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The raw command lines, in order. */
    public List<String> commands() {
        return exchanges().stream().map(e -> e.command().raw()).toList();
    }

    public Map<String, String> variables() {
        synchronized (variables) {
            return Map.copyOf(variables);
        }
    }

    public String variable(String name) {
        return variables.get(name);
    }

    /** The technician legs the Dial rang (each ran the "accept" script). */
    public List<Conversation> acceptLegs() {
        return List.copyOf(acceptLegs);
    }

    public boolean callerHungUp() {
        return callerHungUp;
    }

    /** True when pagerline closed the connection (as it must when its script is done). */
    public boolean closedByServer() {
        return closedByServer;
    }

    /** An I/O problem on the simulated side (timeout, reset), or null. */
    public String error() {
        return error;
    }

    /** The prompts played or asked, by sound file, in order. */
    public List<String> soundFiles() {
        List<String> out = new ArrayList<>();
        for (Exchange e : exchanges()) {
            String f = playedFile(e.command());
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** The sound file a command plays (STREAM FILE, GET DATA, EXEC Playback), or null. */
    static String playedFile(AgiCommandLine c) {
        return switch (c.verb()) {
            case "STREAM FILE", "GET DATA" -> c.arg(0);
            case "EXEC" -> c.arg(0).equalsIgnoreCase("Playback") ? c.arg(1) : null;
            default -> null;
        };
    }

    /** A readable transcript: what pagerline did, in words where the prompt is known, and the replies. */
    public List<String> transcript() {
        List<String> out = new ArrayList<>();
        for (Exchange e : exchanges()) {
            AgiCommandLine c = e.command();
            String words = switch (c.verb()) {
                case "STREAM FILE", "GET DATA", "EXEC" -> playedFile(c) == null ? ""
                        : Prompt.byFile(playedFile(c)).map(p -> "  \"" + p.text() + "\"").orElse("");
                case "SAY DIGITS" -> "  (says the digits " + c.arg(0) + ")";
                case "VERBOSE" -> "  \"" + c.arg(0) + "\"";
                default -> "";
            };
            out.add("pagerline> " + c.raw() + words);
            for (String r : e.reply()) {
                out.add("asterisk < " + r);
            }
        }
        for (Conversation leg : acceptLegs()) {
            out.add("--- technician's leg (accept script) ---");
            leg.transcript().forEach(l -> out.add("    " + l));
        }
        return out;
    }
}
