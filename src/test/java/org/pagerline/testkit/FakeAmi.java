package org.pagerline.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Asterisk 22 Manager Interface over TCP on 127.0.0.1: the "Asterisk Call Manager/9.0.0"
 * banner, Challenge/Login (MD5 or plain), CoreSettings, Ping, Logoff, and the actions pagerline
 * uses, each answered with Response + ActionID as Asterisk does. Scriptable:
 * <ul>
 * <li>one queue with members and waiting callers; QueueStatus lists them (QueueParams, QueueMember,
 *     QueueEntry, QueueStatusComplete); QueueAdd/QueueRemove change them and are recorded;
 * <li>Originate is recorded and answered "queued", then an OriginateResponse event with the
 *     chosen Reason ({@link #originateReason}; or none when set to null, for {@link #answerOriginate});
 * <li>{@link #emit} sends any event to logged-in sessions; {@link #dropConnections} cuts the link;
 *     {@link #stop}/{@link #start} take the whole "Asterisk" down and up again on the same port.
 * </ul>
 */
public final class FakeAmi implements AutoCloseable {
    public record Action(String name, Map<String, String> fields) {
        public String get(String key) {
            return fields.get(key);
        }
    }

    private final String username;
    private final String secret;
    private final String queue;
    private volatile int port;
    private volatile ServerSocket server;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Action> actions = new CopyOnWriteArrayList<>();
    /** Interface to fields (MemberName, Membership, Status, Paused). */
    private final Map<String, Map<String, String>> members = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger uniqueIds = new AtomicInteger(1000);
    private volatile Integer originateReason = 4;

    public FakeAmi(String username, String secret, String queue) {
        this.username = username;
        this.secret = secret;
        this.queue = queue;
    }

    /** Listens on a free port. */
    public FakeAmi start() {
        return startOn(0);
    }

    /** Listens on {@code p} (0: any free port); used again after {@link #stop()} to bring "Asterisk" back. */
    public synchronized FakeAmi startOn(int p) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), p));
            server = s;
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("fake AMI cannot listen: " + e.getMessage(), e);
        }
        ServerSocket s = server;
        Thread t = new Thread(() -> accept(s), "fake-ami-accept");
        t.setDaemon(true);
        t.start();
        return this;
    }
    public int port() {
        return port;
    }

    /** Successful logins so far (a reconnect adds one). */
    public int logins() {
        return logins.get();
    }

    public int sessionCount() {
        return (int) sessions.stream().filter(x -> x.loggedIn).count();
    }

    public List<Action> actions(String name) {
        return actions.stream().filter(a -> a.name().equalsIgnoreCase(name)).toList();
    }

    public void clearActions() {
        actions.clear();
    }

    /** Current member interfaces. */
    public java.util.Set<String> members() {
        return java.util.Set.copyOf(members.keySet());
    }

    public void addMember(String iface, String memberName, boolean statik) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MemberName", memberName);
        m.put("Membership", statik ? "static" : "dynamic");
        m.put("Status", "1");
        m.put("Paused", "0");
        members.put(iface, m);
    }

    /** A caller already waiting (QueueStatus lists it as a QueueEntry). */
    public void addWaitingCaller(String uniqueId, String number, int position, int waitSeconds) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Position", Integer.toString(position));
        m.put("Channel", "PJSIP/trunk-" + uniqueId);
        m.put("Uniqueid", uniqueId);
        m.put("CallerIDNum", number);
        m.put("CallerIDName", "Caller " + number);
        m.put("Wait", Integer.toString(waitSeconds));
        entries.put(uniqueId, m);
    }

    /** The Reason of the OriginateResponse sent after each Originate; null: send none. */
    public void originateReason(Integer reason) {
        this.originateReason = reason;
    }

    /** Sends the OriginateResponse for an Originate recorded earlier. */
    public void answerOriginate(Action originate, int reason) {
        emit(originateResponse(originate, reason));
    }

    /** Sends an event ("Event" first) to every logged-in session. */
    public void emit(Map<String, String> event) {
        for (Session s : sessions) {
            if (s.loggedIn) {
                s.write(event);
            }
        }
    }

    public static Map<String, String> event(String name, String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Event", name);
        m.put("Privilege", "agent,all");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** Cuts every connection, as a network failure or an Asterisk restart would; keeps listening. */
    public void dropConnections() {
        for (Session s : sessions) {
            s.close();
        }
        sessions.clear();
    }

    /** Stops listening and cuts every connection: "Asterisk is down". */
    public synchronized void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        dropConnections();
    }

    @Override
    public void close() {
        stop();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                Session session = new Session(c);
                sessions.add(session);
                Thread t = new Thread(session::run, "fake-ami-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private Map<String, String> originateResponse(Action o, int reason) {
        return event("OriginateResponse", "ActionID", o.get("ActionID"), "Response", reason == 4 ? "Success" : "Failure",
                "Channel", o.get("Channel"), "Context", o.get("Context"), "Exten", o.get("Exten"), "Application", "",
                "Data", "", "Reason", Integer.toString(reason), "Uniqueid", reason == 4 ? "1700000000." + uniqueIds.incrementAndGet() : "<null>",
                "CallerIDNum", "<unknown>", "CallerIDName", "<unknown>");
    }

    private final class Session {
        private final Socket socket;
        private final OutputStream out;
        volatile boolean loggedIn;
        private String challenge;

        Session(Socket socket) {
            this.socket = socket;
            OutputStream o;
            try {
                o = socket.getOutputStream();
            } catch (IOException e) {
                o = OutputStream.nullOutputStream();
            }
            this.out = o;
        }

        void run() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                writeRaw("Asterisk Call Manager/9.0.0\r\n");
                Map<String, String> packet = newPacket();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (!packet.isEmpty()) {
                            handle(packet);
                            packet = newPacket();
                        }
                        continue;
                    }
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        String k = line.substring(0, colon).trim();
                        String v = line.substring(colon + 1).trim();
                        // Variable may repeat (Originate): keep them all
                        packet.merge(k, v, (a, b) -> a + "\n" + b);
                    }
                }
            } catch (IOException e) {
                // connection gone
            } finally {
                close();
                sessions.remove(this);
            }
        }

        private void handle(Map<String, String> p) {
            String name = p.getOrDefault("Action", "");
            String id = p.get("ActionID");
            Map<String, String> copy = newPacket();
            copy.putAll(p);
            actions.add(new Action(name, java.util.Collections.unmodifiableMap(copy)));
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "challenge" -> {
                    challenge = Integer.toString(100000000 + uniqueIds.incrementAndGet());
                    write(response(id, "Success", null, "Challenge", challenge));
                }
                case "login" -> login(p, id);
                case "logoff" -> {
                    write(response(id, "Goodbye", "Thanks for all the fish."));
                    close();
                }
                default -> {
                    if (!loggedIn) {
                        write(response(id, "Error", "Permission denied"));
                        return;
                    }
                    action(name, p, id);
                }
            }
        }

        private void login(Map<String, String> p, String id) {
            boolean userOk = username.equals(p.get("Username"));
            boolean keyOk;
            if ("MD5".equalsIgnoreCase(p.get("AuthType"))) {
                keyOk = challenge != null && md5(challenge + secret).equalsIgnoreCase(p.getOrDefault("Key", ""));
            } else {
                keyOk = secret.equals(p.get("Secret"));
            }
            if (userOk && keyOk) {
                loggedIn = true;
                logins.incrementAndGet();
                write(response(id, "Success", "Authentication accepted"));
                write(event("FullyBooted", "Uptime", "100", "LastReload", "100", "Status", "Fully Booted"));
            } else {
                write(response(id, "Error", "Authentication failed"));
            }
        }

        private void action(String name, Map<String, String> p, String id) {
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "coresettings" -> write(response(id, "Success", null, "AMIversion", "9.0.0",
                        "AsteriskVersion", "22.1.0", "SystemName", "", "CoreMaxCalls", "0"));
                case "command" -> write(response(id, "Success", null, "Output",
                        "Asterisk 22.1.0 built by fake @ fake on a x86_64 running Linux"));
                case "ping" -> write(response(id, "Success", null, "Ping", "Pong"));
                case "queuestatus" -> queueStatus(p, id);
                case "queueadd" -> {
                    String iface = p.get("Interface");
                    if (!queue.equals(p.get("Queue"))) {
                        write(response(id, "Error", "Unable to add interface to queue: No such queue"));
                    } else if (members.containsKey(iface)) {
                        write(response(id, "Error", "Unable to add interface: Already there"));
                    } else {
                        addMember(iface, p.getOrDefault("MemberName", iface), false);
                        write(response(id, "Success", "Added interface to queue"));
                        emit(event("QueueMemberAdded", "Queue", queue, "MemberName", p.getOrDefault("MemberName", iface),
                                "Interface", iface, "StateInterface", iface, "Membership", "dynamic", "Penalty", "0",
                                "CallsTaken", "0", "LastCall", "0", "Status", "1", "Paused", "0"));
                    }
                }
                case "queueremove" -> {
                    String iface = p.get("Interface");
                    Map<String, String> m = members.get(iface);
                    if (m == null) {
                        write(response(id, "Error", "Unable to remove interface: Not there"));
                    } else if ("static".equals(m.get("Membership"))) {
                        write(response(id, "Error", "Unable to remove interface: Not dynamic"));
                    } else {
                        members.remove(iface);
                        write(response(id, "Success", "Removed interface from queue"));
                        emit(event("QueueMemberRemoved", "Queue", queue, "MemberName", m.get("MemberName"),
                                "Interface", iface));
                    }
                }
                case "originate" -> {
                    write(response(id, "Success", "Originate successfully queued"));
                    Integer reason = originateReason;
                    if (reason != null) {
                        write(originateResponse(new Action(name, p), reason));
                    }
                }
                default -> write(response(id, "Error", "Invalid/unknown command"));
            }
        }

        private void queueStatus(Map<String, String> p, String id) {
            String q = p.get("Queue");
            write(response(id, "Success", "Queue status will follow", "EventList", "start"));
            int items = 0;
            if (q == null || q.isEmpty() || q.equals(queue)) {
                write(event("QueueParams", "ActionID", id, "Queue", queue, "Max", "0", "Strategy", "rrmemory",
                        "Calls", Integer.toString(entries.size()), "Holdtime", "0", "TalkTime", "0", "Completed", "0",
                        "Abandoned", "0", "ServiceLevel", "60", "ServicelevelPerf", "0.0", "Weight", "0"));
                items++;
                for (Map.Entry<String, Map<String, String>> m : members.entrySet()) {
                    Map<String, String> e = event("QueueMember", "ActionID", id, "Queue", queue,
                            "Name", m.getValue().get("MemberName"), "Location", m.getKey(),
                            "StateInterface", m.getKey(), "Membership", m.getValue().get("Membership"), "Penalty", "0",
                            "CallsTaken", "0", "LastCall", "0", "LastPause", "0", "InCall", "0",
                            "Status", m.getValue().get("Status"), "Paused", m.getValue().get("Paused"), "PausedReason", "",
                            "Wrapuptime", "0");
                    write(e);
                    items++;
                }
                List<Map<String, String>> waiting = new ArrayList<>(entries.values());
                waiting.sort(java.util.Comparator.comparingInt(w -> Integer.parseInt(w.get("Position"))));
                for (Map<String, String> w : waiting) {
                    Map<String, String> e = event("QueueEntry", "ActionID", id, "Queue", queue);
                    e.putAll(w);
                    write(e);
                    items++;
                }
            }
            write(event("QueueStatusComplete", "ActionID", id, "EventList", "Complete", "ListItems", Integer.toString(items)));
        }

        private Map<String, String> response(String id, String response, String message, String... more) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("Response", response);
            if (id != null) {
                m.put("ActionID", id);
            }
            for (int i = 0; i + 1 < more.length; i += 2) {
                if (more[i].equals("EventList")) {
                    continue;
                }
                m.put(more[i], more[i + 1]);
            }
            if (message != null) {
                m.put("Message", message);
            }
            for (int i = 0; i + 1 < more.length; i += 2) {
                if (more[i].equals("EventList")) {
                    m.put("EventList", more[i + 1]);
                }
            }
            return m;
        }

        synchronized void write(Map<String, String> fields) {
            StringBuilder b = new StringBuilder();
            fields.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
            b.append("\r\n");
            writeRaw(b.toString());
        }

        private synchronized void writeRaw(String s) {
            try {
                out.write(s.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            loggedIn = false;
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** Asterisk reads header names without regard to case (asterisk-java writes "action:", "actionid:"). */
    private static Map<String, String> newPacket() {
        return new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
