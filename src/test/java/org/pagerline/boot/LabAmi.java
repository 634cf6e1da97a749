package org.pagerline.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The harness's own AMI connection to the lab PBX (the lab's {@code admin} user, all rights): it
 * watches what the PBX does (AGI commands, channels) to cue the SIPp callers, and runs actions.
 * A plain AMI text client, so nothing of pagerline's own AMI code is under test here.
 */
final class LabAmi implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<Map<String, String>>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<Map<String, String>>> listeners = new CopyOnWriteArrayList<>();
    private final Thread reader;

    LabAmi(int port, String user, String secret) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(0);
        out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        in.readLine(); // banner
        reader = new Thread(() -> read(in), "lab-ami");
        reader.setDaemon(true);
        reader.start();
        Map<String, String> login = action(Map.of("Action", "Login", "Username", user, "Secret", secret));
        if (!"Success".equals(login.get("Response"))) {
            throw new IOException("lab AMI login refused: " + login);
        }
    }

    /** Every event (a map of its fields, "Event" included), on the reader thread: do not block. */
    void onEvent(Consumer<Map<String, String>> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<Map<String, String>> listener) {
        listeners.remove(listener);
    }

    /** Sends an action (extra "Variable" lines may be given as one value joined by '\n'); waits up to 10 s. */
    Map<String, String> action(Map<String, String> fields) throws IOException {
        CompletableFuture<Map<String, String>> f = send(fields);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("no answer to AMI " + fields.get("Action") + ": " + e, e);
        }
    }

    /** Sends an action without waiting (safe on the reader thread). */
    CompletableFuture<Map<String, String>> send(Map<String, String> fields) throws IOException {
        String id = "lab-" + ids.incrementAndGet();
        CompletableFuture<Map<String, String>> f = new CompletableFuture<>();
        pending.put(id, f);
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> {
            for (String line : v.split("\n")) {
                sb.append(k).append(": ").append(line).append("\r\n");
            }
        });
        sb.append("ActionID: ").append(id).append("\r\n\r\n");
        synchronized (out) {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        f.orTimeout(10, TimeUnit.SECONDS).whenComplete((r, e) -> pending.remove(id));
        return f;
    }

    /** A channel variable or function, e.g. {@code getvar(ch, "CHANNEL(state)")}; null when unset. */
    String getvar(String channel, String variable) throws IOException {
        Map<String, String> r = action(Map.of("Action", "Getvar", "Channel", channel, "Variable", variable));
        String v = r.get("Value");
        return v == null || v.isEmpty() ? null : v;
    }

    private void read(BufferedReader in) {
        Map<String, String> msg = new LinkedHashMap<>();
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isEmpty()) {
                    int c = line.indexOf(": ");
                    if (c > 0) {
                        msg.putIfAbsent(line.substring(0, c), line.substring(c + 2));
                    }
                    continue;
                }
                Map<String, String> m = msg;
                msg = new LinkedHashMap<>();
                if (m.containsKey("Response") && m.containsKey("ActionID")) {
                    CompletableFuture<Map<String, String>> f = pending.remove(m.get("ActionID"));
                    if (f != null) {
                        f.complete(m);
                    }
                } else if (m.containsKey("Event")) {
                    for (Consumer<Map<String, String>> l : listeners) {
                        try {
                            l.accept(m);
                        } catch (RuntimeException e) {
                            System.err.println("lab AMI listener failed on " + m.get("Event") + ": " + e);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
