package org.pagerline.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The technician's side of a paging call, as Asterisk 22 relays it over FastAGI: connects to the
 * listener with the {@code agi_*} environment of a call answered into {@code pagerline-page},
 * then answers each command as Asterisk would. Scripted: channel variables, the keys pressed at
 * each GET DATA ("" = nothing pressed), a key pressed while a given file plays, and a hang-up
 * (a {@code HANGUP} line then {@code 511}s, or {@code 200 result=-1}) after so many commands, and
 * how a Dial from the call ends (DIALSTATUS, ANSWEREDTIME; the technician may hang up to end it,
 * after which Asterisk still answers the commands res_agi allows on a dead channel, GET VARIABLE
 * among them), and the key (or hang-up) at a given GET DATA prompt such as the post-Dial question.
 */
public final class PageCallPeer {
    private final int port;
    private final Map<String, String> variables = new HashMap<>();
    private final Deque<String> menuKeys = new ArrayDeque<>();
    private final Map<String, Character> pressDuring = new HashMap<>();
    private final java.util.Set<String> missingFiles = new java.util.HashSet<>();
    private int hangUpAfter = -1;
    private boolean hangUpWithMinusOne;
    private String dialStatus = "ANSWER";
    private boolean hangUpDuringDial;
    /** How long the caller and the technician were bridged when a Dial ends ANSWERed; null: not set. */
    private Integer answeredSeconds;
    /**
     * How long this (the technician's) channel had been up when its Dial started: the intro, the
     * ticket, the message, the menu. Asterisk 22's ANSWEREDTIME after the Dial is the age of this
     * channel's answer (app_dial's end_bridge_callback: ast_channel_get_up_time of the caller), so
     * it is this plus the ringing plus the bridged time, never the bridged time alone.
     */
    private int legAgeAtDial = 20;
    private static final int RING_SECONDS = 4;
    /** The channel's name Asterisk gives the script (agi_channel). */
    public static final String CHANNEL = "PJSIP/trunk-00000007";
    /** Asterisk's clock (epoch seconds) when the customer answered the call-back. */
    private static final String ANSWERED_AT = "1796186322.553";
    /** GET DATA answers for a given prompt file, ahead of {@link #menuKeys}; "-1": hangs up there. */
    private final Map<String, String> promptKeys = new HashMap<>();
    /** The channel is gone (hung up during a Dial): only dead-channel commands still work. */
    private boolean dead;
    private boolean hangupLineSent;
    private final List<String> commands = new ArrayList<>();

    public PageCallPeer(int port) {
        this.port = port;
    }

    public PageCallPeer variable(String name, String value) {
        variables.put(name, value);
        return this;
    }

    /** Keys answered to successive GET DATA commands; "" = the prompt timed out with no key. */
    public PageCallPeer atMenu(String... keys) {
        menuKeys.addAll(List.of(keys));
        return this;
    }

    /** Presses {@code key} while {@code file} plays (only if the command listens for it). */
    public PageCallPeer pressWhile(String file, char key) {
        pressDuring.put(file, key);
        return this;
    }

    /** A sound file Asterisk cannot find: STREAM FILE answers {@code 200 result=-1 endpos=0}, the channel stays up. */
    public PageCallPeer missing(String file) {
        missingFiles.add(file);
        return this;
    }

    /** After {@code n} commands answered normally, the technician hangs up. */
    public PageCallPeer hangUpAfter(int n, boolean withMinusOne) {
        hangUpAfter = n;
        hangUpWithMinusOne = withMinusOne;
        return this;
    }

    /**
     * How a Dial from this call ends: DIALSTATUS ({@code ANSWER}, {@code BUSY}, {@code NOANSWER}...);
     * with {@code technicianHangsUp} the technician ends it by hanging up (EXEC answers -1, then the
     * channel is dead).
     */
    public PageCallPeer dialEnds(String status, boolean technicianHangsUp) {
        dialStatus = status;
        hangUpDuringDial = technicianHangsUp;
        return this;
    }

    /**
     * Like {@link #dialEnds(String, boolean)}; an ANSWERed Dial also sets ANSWEREDTIME to
     * {@code answeredSeconds} (how long the technician and the caller were bridged).
     */
    public PageCallPeer dialEnds(String status, boolean technicianHangsUp, int answeredSeconds) {
        this.answeredSeconds = answeredSeconds;
        return dialEnds(status, technicianHangsUp);
    }

    /**
     * Runs {@code action} (something that happens elsewhere meanwhile, such as another technician
     * acknowledging by SMS) once the script has sent {@code n} commands, before the n-th is answered.
     */
    public PageCallPeer meanwhile(int n, Runnable action) {
        meanwhileAt = n;
        meanwhile = action;
        return this;
    }

    private int meanwhileAt = -1;
    private Runnable meanwhile;

    /** The dialplan has no answer hook: Dial's U() stamps nothing. */
    public PageCallPeer noAnswerHook() {
        answerHook = false;
        return this;
    }

    private boolean answerHook = true;

    /** How long the technician's channel has been up when the Dial starts (default 20 s). */
    public PageCallPeer legAgeAtDial(int seconds) {
        legAgeAtDial = seconds;
        return this;
    }

    /**
     * The answer to GET DATA with this prompt file: a key, "" (timed out with no key) or "-1"
     * (the technician hangs up at that prompt: {@code 200 result=-1}, then the channel is dead).
     */
    public PageCallPeer atPrompt(String file, String key) {
        promptKeys.put(file, key);
        return this;
    }

    /** Places the call and returns every AGI command the script sent, in order, once it lets go. */
    public List<String> call() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String env = """
                    agi_network: yes
                    agi_network_script: page
                    agi_request: agi://127.0.0.1:%d/page
                    agi_channel: %s
                    agi_language: en
                    agi_type: PJSIP
                    agi_uniqueid: 1700000000.7
                    agi_version: 22.1.0
                    agi_callerid: 12045550123
                    agi_calleridname: unknown
                    agi_callingpres: 0
                    agi_callingani2: 0
                    agi_callington: 0
                    agi_callingtns: 0
                    agi_dnid: unknown
                    agi_rdnis: unknown
                    agi_context: pagerline-page
                    agi_extension: s
                    agi_priority: 2
                    agi_enhanced: 0.0
                    agi_accountcode:\s
                    agi_threadid: 140000000000007

                    """.formatted(port, CHANNEL);
            write(out, env);
            boolean hungUp = false;
            String line;
            try {
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    if (commands.size() == meanwhileAt) {
                        meanwhile.run();
                    }
                    if (hangUpAfter >= 0 && commands.size() > hangUpAfter) {
                        if (hangUpWithMinusOne) {
                            write(out, "200 result=-1\n");
                        } else {
                            if (!hungUp) {
                                write(out, "HANGUP\n");
                                hungUp = true;
                            }
                            write(out, "511 Command Not Permitted on a dead channel or intercepted channel\n");
                        }
                        continue;
                    }
                    if (dead) {
                        if (!hangupLineSent) {
                            write(out, "HANGUP\n");
                            hangupLineSent = true;
                        }
                        write(out, (allowedOnDeadChannel(line) ? answer(line)
                                : "511 Command Not Permitted on a dead channel or intercepted channel") + "\n");
                        continue;
                    }
                    write(out, answer(line) + "\n");
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the script neither sent a command nor closed the call within 10 s; sent: " + commands);
            }
        }
        return List.copyOf(commands);
    }

    /** res_agi's commands marked usable on a dead channel (Asterisk 22). */
    private static boolean allowedOnDeadChannel(String command) {
        String c = command.toUpperCase();
        return c.startsWith("GET VARIABLE") || c.startsWith("GET FULL VARIABLE") || c.startsWith("SET VARIABLE")
                || c.startsWith("VERBOSE") || c.startsWith("NOOP") || c.startsWith("EXEC") || c.startsWith("DATABASE");
    }

    private String answer(String command) {
        List<String> a = args(command);
        String verb = a.isEmpty() ? "" : a.get(0).toUpperCase();
        String verb2 = a.size() > 1 ? verb + " " + a.get(1).toUpperCase() : verb;
        if (verb.equals("EXEC") && a.size() > 1 && a.get(1).equalsIgnoreCase("Dial") && !dead) {
            int bridged = answeredSeconds == null ? 0 : answeredSeconds;
            variables.put("DIALSTATUS", dialStatus);
            // app_dial: both are this channel's own age (duration, up time), not the called leg's
            variables.put("DIALEDTIME", Integer.toString(legAgeAtDial + 2 + RING_SECONDS + bridged));
            if ("ANSWER".equals(dialStatus)) {
                variables.put("ANSWEREDTIME", Integer.toString(legAgeAtDial + RING_SECONDS + bridged));
                // Dial's U(context^channel) runs on the called leg as it answers; pagerline-page.conf's
                // subroutine stamps SHARED(PAGERLINE_CALLBACK_ANSWERED) on the channel named in ARG1
                java.util.regex.Matcher u = java.util.regex.Pattern.compile("U\\(pagerline-page-answered\\^([^)^]+)\\)")
                        .matcher(a.size() > 2 ? a.get(2) : "");
                if (answerHook && u.find() && u.group(1).equals(CHANNEL)) {
                    variables.put("SHARED(PAGERLINE_CALLBACK_ANSWERED)", ANSWERED_AT);
                    variables.put("${STRFTIME(,,%s.%3q)}", new java.math.BigDecimal(ANSWERED_AT)
                            .add(java.math.BigDecimal.valueOf(bridged)).add(new java.math.BigDecimal("0.004")).toPlainString());
                }
            }
            if (hangUpDuringDial) {
                dead = true;
                return "200 result=-1";
            }
            return "200 result=0";
        }
        switch (verb2) {
            case "GET FULL": {
                // GET FULL VARIABLE expression: only the clock read is scripted
                String v = a.size() > 3 ? variables.get(a.get(3)) : null;
                return v == null ? "200 result=0" : "200 result=1 (" + v + ")";
            }
            case "GET VARIABLE": {
                String v = variables.get(a.get(2));
                return v == null ? "200 result=0" : "200 result=1 (" + v + ")";
            }
            case "STREAM FILE": {
                String escape = a.size() > 3 ? a.get(3) : "";
                if (missingFiles.contains(a.get(2))) {
                    return "200 result=-1 endpos=0";
                }
                Character k = pressDuring.get(a.get(2));
                if (k != null && escape.indexOf(k) >= 0) {
                    return "200 result=" + (int) k + " endpos=8000";
                }
                return "200 result=0 endpos=16000";
            }
            case "GET DATA": {
                String k = promptKeys.containsKey(a.get(2)) ? promptKeys.get(a.get(2))
                        : menuKeys.isEmpty() ? "" : menuKeys.poll();
                if (k.equals("-1")) {
                    dead = true;
                    return "200 result=-1";
                }
                return k.isEmpty() ? "200 result= (timeout)" : "200 result=" + k;
            }
            case "SAY NUMBER":
            case "SAY DIGITS":
                return "200 result=0";
            case "SET VARIABLE":
                return "200 result=1";
            case "CHANNEL STATUS":
                return "200 result=6"; // up
            default:
                break;
        }
        return switch (verb) {
            case "EXEC" -> "200 result=0";
            case "HANGUP" -> "200 result=1";
            case "ANSWER", "VERBOSE" -> "200 result=" + (verb.equals("ANSWER") ? "0" : "1");
            default -> "510 Invalid or unknown command";
        };
    }

    /** Splits an AGI command line into words, honouring double quotes. */
    static List<String> args(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out;
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
