package org.pagerline.cli.simulate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asterisk's side of FastAGI, over raw TCP, as Asterisk 22 speaks it: the {@code agi_*}
 * environment and a blank line, then one reply per command ({@code 200 result=...}), a
 * {@code HANGUP} line and {@code 511} replies once the caller has hung up, and {@code 200
 * result=-1} for the command running when they did. Dial and Queue are simulated: Dial's U()
 * option runs the technician's accept subroutine as a second FastAGI call (as the shipped
 * dialplan does), and DIALSTATUS / QUEUESTATUS are answered through GET VARIABLE.
 * Shared by {@code pagerline simulate call}, the test kit's FakeAsterisk and the benchmark.
 */
public final class AgiPeer {
    public static final String DEAD = "511 Command Not Permitted on a dead channel or intercepted channel";
    private static final Pattern GOSUB = Pattern.compile("U\\(([^)]*)\\)");

    /**
     * Where and what to call.
     *
     * @param uniqueId Asterisk's unique id of the caller's channel (agi_uniqueid)
     * @param ioTimeout how long to wait for pagerline's next command before giving up
     */
    public record Call(String host, int port, String script, String callerId, String callerName, String uniqueId,
            List<String> args, CallerScript caller, Duration ioTimeout) {
        public Call {
            args = List.copyOf(args);
        }
    }

    private AgiPeer() {}

    /** The environment lines Asterisk 22 sends for {@code AGI(agi://host:port/script,args...)}, blank line excluded. */
    public static List<String> environment(Call c) {
        List<String> env = new ArrayList<>(List.of(
                "agi_network: yes",
                "agi_network_script: " + c.script(),
                "agi_request: agi://" + c.host() + ":" + c.port() + "/" + c.script(),
                "agi_channel: PJSIP/trunk-" + String.format("%08x", Math.abs(c.uniqueId().hashCode())),
                "agi_language: en",
                "agi_type: PJSIP",
                "agi_uniqueid: " + c.uniqueId(),
                "agi_version: 22.1.0",
                "agi_callerid: " + (c.callerId() == null || c.callerId().isEmpty() ? "unknown" : c.callerId()),
                "agi_calleridname: " + (c.callerName() == null || c.callerName().isEmpty() ? "unknown" : c.callerName()),
                "agi_callingpres: 0",
                "agi_callingani2: 0",
                "agi_callington: 0",
                "agi_callingtns: 0",
                "agi_dnid: 2042721451",
                "agi_rdnis: unknown",
                "agi_context: " + Session.SCRIPT_CONTEXT,
                "agi_extension: s",
                "agi_priority: 5", // the shipped dialplan's AGI() line, s,5
                "agi_enhanced: 0.0",
                "agi_accountcode: ",
                "agi_threadid: 140245263857216"));
        for (int i = 0; i < c.args().size(); i++) {
            env.add("agi_arg_" + (i + 1) + ": " + c.args().get(i));
        }
        return env;
    }

    /** Places the call and plays the caller until pagerline closes the connection. */
    public static Conversation run(Call call) {
        Conversation conv = new Conversation();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(call.host(), call.port()), (int) Math.min(call.ioTimeout().toMillis(), 10_000));
            s.setSoTimeout((int) call.ioTimeout().toMillis());
            s.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            StringBuilder env = new StringBuilder();
            for (String l : environment(call)) {
                env.append(l).append('\n');
            }
            out.write(env.append('\n').toString());
            out.flush();
            new Session(call, conv, in, out).serve();
        } catch (IOException e) {
            conv.error(e.toString());
        }
        return conv;
    }

    /** The caller's side of one connection. */
    private static final class Session {
        private final Call call;
        private final Conversation conv;
        private final BufferedReader in;
        private final Writer out;
        private final Map<String, String> vars;
        private int press;
        private boolean pendingHangup;
        private boolean hungUp;
        private boolean hangupLineSent;

        Session(Call call, Conversation conv, BufferedReader in, Writer out) {
            this.call = call;
            this.conv = conv;
            this.in = in;
            this.out = out;
            this.vars = conv.mutableVariables();
        }

        void serve() throws IOException {
            long lastWrite = System.nanoTime();
            String line;
            while ((line = in.readLine()) != null) {
                long serverNanos = System.nanoTime() - lastWrite;
                if (line.isBlank()) {
                    continue;
                }
                AgiCommandLine cmd = AgiCommandLine.parse(line);
                List<String> reply = reply(cmd);
                StringBuilder b = new StringBuilder();
                reply.forEach(r -> b.append(r).append('\n'));
                out.write(b.toString());
                out.flush();
                lastWrite = System.nanoTime();
                conv.add(new Conversation.Exchange(cmd, reply, serverNanos));
            }
            conv.markClosedByServer();
        }

        private List<String> reply(AgiCommandLine cmd) {
            if (hungUp) {
                if (!hangupLineSent) {
                    hangupLineSent = true;
                    return List.of("HANGUP", DEAD);
                }
                return List.of(DEAD);
            }
            String v = cmd.verb();
            if (pendingHangup && triggers(v)) {
                hangUp();
                return List.of(switch (v) {
                    case "RECORD FILE" -> call.caller().hangsUpAtTheTone()
                            ? "200 result=-1 (randomerror) endpos=0" // Asterisk 22: hung up in the beep, no file
                            : "200 result=-1 (hangup) endpos=24000";
                    case "STREAM FILE", "CONTROL STREAM" -> "200 result=-1 endpos=0";
                    default -> "200 result=-1";
                });
            }
            switch (v) {
                case "ANSWER", "SAY DIGITS", "SAY NUMBER", "SAY ALPHA", "SAY PHONETIC", "SET MUSIC", "SET AUTOHANGUP":
                    return List.of("200 result=0");
                case "STREAM FILE", "CONTROL STREAM":
                    if (call.caller().missingSounds().contains(cmd.arg(0))) {
                        // Asterisk 22: file not found. The script may go on, but res_agi counts the
                        // command as failed and the dialplan later reads AGISTATUS=FAILURE.
                        vars.put("AGISTATUS", "FAILURE");
                        return List.of("200 result=-1 endpos=0");
                    }
                    return List.of("200 result=0 endpos=16000");
                case "VERBOSE", "NOOP":
                    return List.of("200 result=1");
                case "CHANNEL STATUS":
                    if (TECH_LEFT.equals(call.caller().hangupAt()) && press > 0) {
                        hangUp(); // the technician hung up right after their key
                        hangupLineSent = true;
                        return List.of("HANGUP", DEAD);
                    }
                    return List.of("200 result=6"); // up
                case "SET VARIABLE":
                    vars.put(cmd.arg(0), cmd.arg(1));
                    if (cmd.arg(0).equals("PAGERLINE_STEP")) {
                        conv.step(cmd.arg(1));
                    }
                    if (cmd.arg(0).equals("PAGERLINE_STEP") && (cmd.arg(1).equalsIgnoreCase(String.valueOf(call.caller().hangupAt()))
                            || call.caller().hangsUpAtTheTone() && cmd.arg(1).equals("recording"))) {
                        pendingHangup = true;
                    }
                    return List.of("200 result=1");
                case "GET VARIABLE", "GET FULL":
                    String name = v.equals("GET FULL") ? cmd.arg(1) : cmd.arg(0);
                    String val = vars.get(name);
                    if (name.startsWith("QUEUE_MEMBER(") && name.endsWith(",logged)")) {
                        // JOINEMPTY models nobody signed in: Asterisk counts no member logged in
                        val = call.caller().queue() == CallerScript.QueueEnd.JOINEMPTY ? "0" : "1";
                    } else if (name.equals("CONTEXT") || name.equals("EXTEN")) {
                        // where the channel is in the dialplan: the script's own place until an
                        // application moves it (Queue()'s exit key, Goto)
                        val = vars.getOrDefault(name, name.equals("CONTEXT") ? SCRIPT_CONTEXT : "s");
                    } else if (name.startsWith("CHANNEL_EXISTS(")) {
                        val = "1"; // the caller's channel: Asterisk keeps it while Dial runs
                    } else if (name.startsWith("IMPORT(") && name.contains("hangupsource")) {
                        val = CALLER_LEFT.equals(call.caller().hangupAt()) ? "PJSIP/trunk-00000001" : null;
                    }
                    return List.of(val == null ? "200 result=0" : "200 result=1 (" + val + ")");
                case "GET DATA":
                    if (call.caller().missingSounds().contains(cmd.arg(0))) {
                        // Asterisk 22: GET DATA gives up on a prompt it cannot open, before listening
                        // for keys, and answers as for a hang-up (the channel stays up)
                        return List.of("200 result=-1");
                    }
                    if (cmd.arg(0).equals("pagerline/joining-queue")) {
                        // the hold prompt: how the queue goes is the script's queue end, not a press
                        return List.of(call.caller().queue() == CallerScript.QueueEnd.DECLINED
                                ? "200 result=1" : "200 result= (timeout)");
                    }
                    String keys = nextPress();
                    if (CallerScript.HANG_UP_HERE.equals(keys)) {
                        hangUp();   // the caller hangs up at this prompt
                        return List.of("200 result=-1");
                    }
                    return List.of(keys.isEmpty() ? "200 result= (timeout)" : "200 result=" + keys);
                case "WAIT FOR":
                    String k = nextPress();
                    return List.of("200 result=" + (k.isEmpty() ? 0 : (int) k.charAt(0)));
                case "RECORD FILE":
                    List<String> p = call.caller().presses();
                    if (press < p.size() && CallerScript.HASH_AT_THE_TONE.equals(p.get(press))) {
                        conv.pressUsed();
                        press++;
                        return List.of("200 result=35 (randomerror) endpos=0"); // # in the beep: no file
                    }
                    return List.of("200 result=0 (timeout) endpos=40000");
                case "EXEC":
                    return List.of(exec(cmd));
                case "HANGUP":
                    hungUp = true; // pagerline hung up, not the caller
                    return List.of("200 result=1");
                default:
                    return List.of("510 Invalid or unknown command");
            }
        }

        private boolean triggers(String verb) {
            if ("recording".equals(call.caller().hangupAt()) || call.caller().hangsUpAtTheTone()) {
                return verb.equals("RECORD FILE");
            }
            return switch (verb) {
                case "ANSWER", "STREAM FILE", "CONTROL STREAM", "GET DATA", "SAY DIGITS", "SAY NUMBER", "RECORD FILE", "EXEC",
                        "WAIT FOR" -> true;
                default -> false;
            };
        }

        private void hangUp() {
            hungUp = true;
            pendingHangup = false;
            conv.hungUp();
        }

        private String nextPress() {
            List<String> p = call.caller().presses();
            if (press < p.size()) {
                conv.pressUsed();
                return p.get(press++);
            }
            return "";
        }

        private String exec(AgiCommandLine cmd) {
            String app = cmd.arg(0);
            String args = cmd.arg(1);
            if (app.equalsIgnoreCase("Dial")) {
                return dial(args);
            }
            if (app.equalsIgnoreCase("Playback")) {
                // a file it cannot find: Playback warns, sets PLAYBACKSTATUS=FAILED and returns 0
                vars.put("PLAYBACKSTATUS", call.caller().missingSounds().contains(args) ? "FAILED" : "SUCCESS");
                return "200 result=0";
            }
            if (app.equalsIgnoreCase("Goto")) {
                String[] to = args.split(",", -1);
                if (to.length == 3) {
                    vars.put("CONTEXT", to[0]);
                    vars.put("EXTEN", to[1]);
                }
                return "200 result=0";
            }
            if (app.equalsIgnoreCase("Queue")) {
                if (call.caller().hold() != null) {
                    call.caller().hold().run();
                }
                switch (call.caller().queue()) {
                    case HANGUP:
                        hangUp();
                        return "200 result=-1";
                    case TIMEOUT:
                        vars.put("QUEUESTATUS", "TIMEOUT");
                        return "200 result=0";
                    case JOINEMPTY:
                        vars.put("QUEUESTATUS", "JOINEMPTY");
                        return "200 result=0";
                    case KEY, DECLINED:
                        // app_queue's exit key: the channel moves to <queue context>,<key>,1 and
                        // Queue() returns 0 with no QUEUESTATUS (DECLINED never gets here)
                        vars.put("CONTEXT", QUEUE_EXIT_CONTEXT);
                        vars.put("EXTEN", "1");
                        return "200 result=0";
                    default:
                        // answered and bridged, and the technician hung up first: app_queue goes on in
                        // the dialplan only with option c; without it Queue() returns -1 as for a hang-up
                        if (!options(args, 1).contains("c")) {
                            return "200 result=-1";
                        }
                        vars.put("QUEUESTATUS", "CONTINUE");
                        return "200 result=0";
                }
            }
            return "200 result=0";
        }

        /** The support line's context (agi_context), and the queue's exit-key context (queues.conf). */
        static final String SCRIPT_CONTEXT = "pagerline-inbound";
        static final String QUEUE_EXIT_CONTEXT = org.pagerline.core.call.CallDecisions.QUEUE_EXIT_CONTEXT;

        /** Marks the technician's leg of a caller who hung up during the accept prompt. */
        private static final String CALLER_LEFT = "caller-left-during-accept";
        /** Marks the technician's leg of a technician who hangs up right after pressing 1. */
        private static final String TECH_LEFT = "technician-left-after-key";

        /** The option letters of an application's argument {@code index} (0-based), without (...) parts. */
        private static String options(String args, int index) {
            String[] parts = args.split(",", -1);
            return parts.length > index ? parts[index].replaceAll("\\([^)]*\\)", "") : "";
        }

        /** Rings the technician; with U(ctx^callId^techId) their leg runs the accept script first. */
        private String dial(String args) {
            CallerScript.Technician t = call.caller().technician();
            if (t == CallerScript.Technician.NOANSWER || t == CallerScript.Technician.BUSY) {
                vars.put("DIALSTATUS", t.name());
                return "200 result=0";
            }
            Matcher m = GOSUB.matcher(args);
            if (m.find()) {
                String[] parts = m.group(1).split("\\^");
                List<String> legArgs = List.of(parts).subList(1, parts.length);
                boolean presses = t == CallerScript.Technician.ACCEPT || t == CallerScript.Technician.ACCEPT_AFTER_CALLER_LEFT
                        || t == CallerScript.Technician.ACCEPT_THEN_HANG_UP;
                CallerScript tech = CallerScript.pressing(presses ? "1" : "")
                        .hangingUpAt(t == CallerScript.Technician.ACCEPT_AFTER_CALLER_LEFT ? CALLER_LEFT
                                : t == CallerScript.Technician.ACCEPT_THEN_HANG_UP ? TECH_LEFT : null);
                Conversation leg = AgiPeer.run(new Call(call.host(), call.port(), "accept", "+12045550000", "pagerline",
                        call.uniqueId() + "1", legArgs, tech, call.ioTimeout()));
                conv.addAcceptLeg(leg);
            }
            // The technician's phone answered (a person or a voicemail): Dial says ANSWER either way.
            // If the accept subroutine set GOSUB_RESULT=CONTINUE, their leg was dropped and the caller goes on.
            vars.put("DIALSTATUS", "ANSWER");
            if (t == CallerScript.Technician.ACCEPT_AFTER_CALLER_LEFT) {
                hangUp(); // the caller was gone: Dial returns -1 once the subroutine is done
                return "200 result=-1";
            }
            if (t == CallerScript.Technician.ACCEPT && !options(args, 2).contains("g")) {
                // bridged, then the technician hung up first: without option g Dial returns -1
                // (as for a caller's hang-up) although the caller is still on the line
                return "200 result=-1";
            }
            return "200 result=0";
        }
    }
}
