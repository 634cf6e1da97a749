package org.pagerline.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real SIP calls with SIPp (Debian's sip-tester), from the scenario templates in
 * {@code src/test/resources/sipp/}: {@link Caller} calls the support line through the lab's trunk;
 * {@link Phone} is a technician's phone the lab's carrier rings. Each runs one call in its own
 * {@code sipp} process on free loopback ports, bounded by SIPp's {@code -timeout} and by
 * {@link Run#await}. A run's {@code events} file has one "name epoch-ns" line per step done.
 */
final class Sipp {
    private Sipp() {}

    /** What a step does; built with the static methods of {@link Caller} and {@link Phone}. */
    record Step(String fragment, Map<String, String> fields) {}

    /** A caller: a number (the caller ID), then steps; Asterisk hanging up ends the call. */
    static final class Caller {
        private final String number;
        private String name = "Lab Caller";
        private final List<Step> steps = new ArrayList<>();
        /** The prompts the cue steps wait for, in order (what {@link AsteriskLab} cues on). */
        final List<String> cues = new ArrayList<>();
        private Duration lastWait = Duration.ofSeconds(120);

        Caller(String number) {
            this.number = number;
        }

        /**
         * The urgent caller of the lab's tests: urgent (1), the priority key, the caller ID confirmed
         * as the call-back number (1), then a message of {@code talk} ended with #.
         */
        static Caller urgentMessage(String number, String priority, Duration talk) {
            return new Caller(number)
                    .when("urgent-or-not").press("1")
                    .when("priority").press(priority)
                    .when("callback-confirm").press("1")
                    .when("record").talk(talk).press("#");
        }

        Caller name(String n) {
            name = n;
            return this;
        }

        /**
         * Waits until pagerline starts asking with this prompt (GET DATA pagerline/NAME), or starts
         * recording ("record": RECORD FILE), or the dialplan runs an application ("app:Record"),
         * or pagerline runs one on the caller's channel ("exec:Queue"), or the technician's leg of this call is asked ("tech:accept-press-1"). At most 60 s.
         */
        Caller when(String prompt) {
            cues.add(prompt);
            steps.add(new Step("cue", Map.of("name", "cue-" + prompt)));
            return this;
        }

        /** Presses keys (0-9, *, #), one RFC 4733 event each, 300 ms apart. */
        Caller press(String keys) {
            keys(steps, keys);
            return this;
        }

        /** Talks: 7 s of speech (g711a.pcap), then silence to the end of the given time. */
        Caller talk(Duration d) {
            steps.add(new Step("audio", Map.of("ms", Long.toString(d.toMillis()))));
            return this;
        }

        Caller pause(Duration d) {
            steps.add(new Step("pause", Map.of("ms", Long.toString(d.toMillis()))));
            return this;
        }

        Caller hangUp() {
            steps.add(new Step("hangup", Map.of()));
            return this;
        }

        /** How long to stay on the line after the last step for Asterisk to hang up (default 120 s). */
        Caller thenWaitAtMost(Duration d) {
            lastWait = d;
            return this;
        }

        String number() {
            return number;
        }
    }

    /** A technician's phone: rings, answers after a while (or never), then steps. */
    static final class Phone {
        private final String number;
        private Duration answerAfter; // null: never answers
        private final List<Step> steps = new ArrayList<>();
        private Duration lastWait = Duration.ofSeconds(120);
        private int calls = 1;

        Phone(String number) {
            this.number = number;
        }

        Phone answerAfter(Duration d) {
            answerAfter = d;
            return this;
        }

        Phone neverAnswer() {
            answerAfter = null;
            return this;
        }

        /** Takes up to n calls (at once or one after another) instead of one; for benchmarks. */
        Phone calls(int n) {
            calls = n;
            return this;
        }

        /** After the answer: waits (a hang-up from the far end during the wait ends the call). */
        Phone pause(Duration d) {
            steps.add(new Step("pause", Map.of("ms", Long.toString(d.toMillis()))));
            return this;
        }

        Phone press(String keys) {
            keys(steps, keys);
            return this;
        }

        Phone talk(Duration d) {
            steps.add(new Step("audio", Map.of("ms", Long.toString(d.toMillis()))));
            return this;
        }

        Phone hangUp() {
            steps.add(new Step("hangup", Map.of()));
            return this;
        }

        Phone thenWaitAtMost(Duration d) {
            lastWait = d;
            return this;
        }

        String number() {
            return number;
        }
    }

    /**
     * One RFC 4733 event per key, 250 ms apart; nothing after the last one, so a cue that comes at
     * once (pagerline asking the next question) finds the caller listening.
     */
    private static void keys(List<Step> steps, String keys) {
        for (int i = 0; i < keys.length(); i++) {
            if (i > 0) {
                steps.add(new Step("between-keys", Map.of()));
            }
            steps.add(new Step("key", Map.of("key", key(keys.charAt(i)))));
        }
    }

    private static String key(char c) {
        return switch (c) {
            case '#' -> "pound";
            case '*' -> "star";
            default -> {
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("not a key: " + c);
                }
                yield Character.toString(c);
            }
        };
    }

    /** One running sipp process. */
    static final class Run implements AutoCloseable {
        private final Process process;
        private final Path events;
        private final Path log;
        private final String what;
        private Runnable onClose = () -> {};
        final int port;

        private Run(Process process, Path events, Path log, String what, int port) {
            this.process = process;
            this.events = events;
            this.log = log;
            this.what = what;
            this.port = port;
        }

        /** Waits for the call to end (bounded); true if SIPp says the scenario ran to its end. */
        boolean await(Duration max) {
            try {
                if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(what + " still running after " + max + "; events so far: " + events());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            return process.exitValue() == 0;
        }

        /** Awaits and fails the test with SIPp's own log if the scenario did not run to its end. */
        void awaitSuccess(Duration max) {
            if (!await(max)) {
                throw new AssertionError(what + " failed (sipp exit " + process.exitValue() + "); events: " + events()
                        + "\n" + tail());
            }
        }

        Run onClose(Runnable r) {
            onClose = r;
            return this;
        }

        boolean alive() {
            return process.isAlive();
        }

        /** SIPp's trace of the SIP messages this run sent and received. */
        Path messagesLog() {
            return log.resolveSibling(log.getFileName().toString().replace(".log", "-messages.log"));
        }

        /** The steps done so far, name to the instant they happened (a repeated name gets "#2", "#3"...). */
        Map<String, Instant> events() {
            Map<String, Instant> m = new LinkedHashMap<>();
            try {
                if (Files.exists(events)) {
                    for (String line : Files.readAllLines(events)) {
                        String[] p = line.trim().split(" ");
                        if (p.length == 2) {
                            long ns = Long.parseLong(p[1]);
                            String k = p[0];
                            for (int i = 2; m.containsKey(k); i++) {
                                k = p[0] + "#" + i; // the second "key-1" is "key-1#2"
                            }
                            m.put(k, Instant.ofEpochSecond(0, ns));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a half-written line: read again later
            }
            return m;
        }

        Optional<Instant> event(String name) {
            return Optional.ofNullable(events().get(name));
        }

        String tail() {
            try {
                StringBuilder sb = new StringBuilder();
                try (var files = Files.list(log.getParent())) {
                    for (Path p : files.filter(f -> f.getFileName().toString().startsWith(log.getFileName().toString()
                            .replace(".log", ""))).sorted().toList()) {
                        String s = Files.readString(p, StandardCharsets.ISO_8859_1);
                        sb.append("--- ").append(p.getFileName()).append('\n')
                                .append(s.length() > 6000 ? s.substring(s.length() - 6000) : s).append('\n');
                    }
                }
                return sb.toString();
            } catch (IOException e) {
                return "(no sipp log: " + e + ")";
            }
        }

        @Override
        public void close() {
            onClose.run();
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    static Run call(Caller c, Path work, int pbxSipPort, String dialled) throws IOException {
        String name = "caller-" + c.number.replace("+", "");
        Path events = work.resolve(name + ".events");
        Files.deleteIfExists(events);
        String xml = resource("caller.xml");
        String steps = steps(resource("caller-steps.xml"), c.steps, events, Map.of("number", c.number, "display", c.name));
        xml = fill(xml, Map.of("steps", steps, "events", events.toString(), "number", c.number, "name", c.name,
                "cue_ms", "60000", "end_ms", Long.toString(c.lastWait.toMillis())));
        long bound = 60 + (c.cues.size() + 1) * 60L + c.lastWait.toSeconds();
        return run(xml, work, name, List.of("-m", "1", "-l", "1", "-s", dialled, "127.0.0.1:" + pbxSipPort), bound,
                "caller " + c.number, events);
    }

    static Run phone(Phone p, Path work, String label) throws IOException {
        String name = "phone-" + label;
        Path events = work.resolve(name + ".events");
        Files.deleteIfExists(events);
        String xml = resource("phone.xml");
        String fragments = resource("phone-steps.xml");
        String answer = p.answerAfter == null
                ? fill(fragment(fragments, "never-answer"), Map.of("ring_max_ms", "300000"))
                : fill(fragment(fragments, "answer-after"), Map.of("answer_ms", Long.toString(Math.max(1, p.answerAfter.toMillis()))));
        xml = fill(xml, Map.of("answer", answer, "steps", steps(fragments, p.steps, events, Map.of()), "events", events.toString(),
                "end_ms", Long.toString(p.lastWait.toMillis())));
        return run(xml, work, name, List.of("-m", Integer.toString(p.calls), "-l", Integer.toString(p.calls)),
                p.calls == 1 ? 420 : 1800, "phone " + p.number, events);
    }

    private static Run run(String xml, Path work, String name, List<String> extra, long boundSeconds, String what, Path events)
            throws IOException {
        Files.createDirectories(work);
        Path scenario = work.resolve(name + ".xml");
        Files.writeString(scenario, xml);
        Path log = work.resolve(name + ".log");
        for (int attempt = 1; ; attempt++) {
            int port = freeUdpPort();
            int media = freeMediaPort();
            List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario.toString(), "-i", "127.0.0.1", "-p",
                    Integer.toString(port), "-mi", "127.0.0.1", "-mp", Integer.toString(media),
                    "-timeout", boundSeconds + "s", "-timeout_error", "-nostdin", "-trace_err", "-error_file",
                    work.resolve(name + "-errors.log").toString(), "-trace_msg", "-message_file",
                    work.resolve(name + "-messages.log").toString()));
            cmd.addAll(extra);
            Process pr = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve(name + "-screen.log").toFile()).start();
            // A port found free may be taken before SIPp binds it (any process's ephemeral UDP port,
            // an Asterisk's RTP port): SIPp then exits at once, and gets other ports.
            if (attempt == 5 || !couldNotBind(pr, port)) {
                return new Run(pr, events, log, what, port);
            }
        }
    }

    /** SIPp's exit status when it cannot bind a socket it was given. */
    private static final int SIPP_BIND_FAILED = 254;

    /**
     * True if SIPp exited at its start because one of its ports was taken; false once it holds its
     * SIP port (or exited otherwise, which {@link Run#await} reports). Bounded: 10 s.
     */
    private static boolean couldNotBind(Process p, int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (System.nanoTime() < deadline) {
                if (p.waitFor(20, TimeUnit.MILLISECONDS)) {
                    return p.exitValue() == SIPP_BIND_FAILED;
                }
                if (!udpFree(port)) {
                    // held: by SIPp, or by another process, and then SIPp exits in a moment (its
                    // media ports are bound next to the SIP one)
                    return p.waitFor(300, TimeUnit.MILLISECONDS) && p.exitValue() == SIPP_BIND_FAILED;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String steps(String fragments, List<Step> steps, Path events, Map<String, String> call) throws IOException {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Step s : steps) {
            n++;
            Map<String, String> f = new LinkedHashMap<>(call);
            f.putAll(s.fields());
            if (s.fragment().equals("key")) {
                f.put("pcap", dtmf(f.get("key"), events.getParent()).toString());
            }
            f.put("events", events.toString());
            f.put("next", "after" + n);
            f.putIfAbsent("name", s.fragment() + n);
            f.put("cue_ms", "60000");
            sb.append(fill(fragment(fragments, s.fragment()), f));
        }
        if (sb.indexOf("{{") >= 0) {
            throw new IllegalStateException("a step field left unfilled: " + sb.substring(sb.indexOf("{{"), sb.indexOf("{{") + 30));
        }
        return sb.toString();
    }

    private static final java.util.concurrent.atomic.AtomicInteger PRESSES = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Sip-tester's RFC 4733 recording of one key, with its own RTP timestamp and sequence numbers:
     * SIPp replays a pcap as it is, and Asterisk drops an event whose timestamp is not after the last
     * one it saw (so the same key pressed twice from the one pcap would count once). Each press is
     * numbered, and its packets get timestamps and sequence numbers from that number alone (the
     * recording's own only as offsets within the press), so a call's presses always go forward, as a
     * phone's do. Until 2026-12-07 the recording's own were shifted by the number: sip-tester's
     * recordings start from timestamps up to 79,360 apart (1: 13,280; star: 85,760), more than the
     * shift, so a 1 right after a star or a 9 went back in time and Asterisk dropped it.
     */
    static Path dtmf(String key, Path dir) throws IOException {
        int n = PRESSES.incrementAndGet();
        byte[] b = Files.readAllBytes(Path.of("/usr/share/sip-tester/dtmf_2833_" + key + ".pcap"));
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        buf.order(java.nio.ByteOrder.LITTLE_ENDIAN); // the pcap file's own headers (magic d4c3b2a1)
        int off = 24;
        Integer firstSeq = null;
        Long firstTimestamp = null;
        while (off + 16 <= b.length) {
            int incl = buf.getInt(off + 8);
            int pkt = off + 16;
            int ip = pkt + 14;
            int rtp = ip + (b[ip] & 0x0f) * 4 + 8;
            java.nio.ByteBuffer r = java.nio.ByteBuffer.wrap(b, rtp, 12).order(java.nio.ByteOrder.BIG_ENDIAN);
            int seq = r.getShort(rtp + 2) & 0xffff;
            long timestamp = r.getInt(rtp + 4) & 0xffffffffL;
            if (firstSeq == null) {
                firstSeq = seq;
                firstTimestamp = timestamp;
            }
            // 50 packets and 6 s (8 kHz) of timestamps a press: more than any one press spans
            r.putShort(rtp + 2, (short) (1_000 + n * 50 + (seq - firstSeq)));
            r.putInt(rtp + 4, (int) (100_000L + n * 48_000L + (timestamp - firstTimestamp)));
            off = pkt + incl;
        }
        Files.createDirectories(dir);
        Path out = dir.resolve("dtmf-" + n + "-" + key + ".pcap");
        Files.write(out, b);
        return out;
    }

    private static String fragment(String all, String name) {
        Matcher m = Pattern.compile("(?s)@@" + Pattern.quote(name) + "\\n(.*?)(?=\\n@@|\\z)").matcher(all);
        if (!m.find()) {
            throw new IllegalStateException("no step fragment @@" + name);
        }
        return m.group(1) + "\n";
    }

    /** Replaces {{key}}; a field left unfilled is a harness bug. Caller-given text is XML-escaped. */
    private static String fill(String template, Map<String, String> fields) {
        String out = template;
        for (var e : fields.entrySet()) {
            String v = e.getKey().equals("steps") || e.getKey().equals("answer") ? e.getValue()
                    : e.getValue().replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
            out = out.replace("{{" + e.getKey() + "}}", v);
        }
        return out;
    }

    static String resource(String name) {
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource sipp/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An even UDP port whose neighbour (RTCP) is free too. */
    static int freeMediaPort() {
        for (int i = 0; i < 50; i++) {
            int p = freeUdpPort() & ~1;
            try (DatagramSocket a = new DatagramSocket(p, InetAddress.getLoopbackAddress());
                    DatagramSocket b = new DatagramSocket(p + 2, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free media port");
    }
}
