package org.pagerline.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.pagerline.cli.simulate.AgiPeer;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;

/**
 * A fake Asterisk 22 for tests: connects to the real FastAGI listener over TCP and plays a
 * scripted caller ({@link CallerScript}: keys pressed, silence, a hang-up at a step, what the
 * technician and the queue do), speaking the protocol as {@link AgiPeer} does. Also sends
 * malformed traffic: a truncated environment, garbage replies.
 */
public final class FakeAsterisk {
    private final String host;
    private final int port;
    private final AtomicLong uids = new AtomicLong(1763900000L * 1000);
    private final Duration ioTimeout;
    private final Runnable afterCall;

    public FakeAsterisk(String host, int port) {
        this(host, port, Duration.ofSeconds(10));
    }

    public FakeAsterisk(String host, int port, Duration ioTimeout) {
        this(host, port, ioTimeout, () -> { });
    }

    /**
     * @param afterCall run when a call is over (pagerline closed the connection), before the
     *                  conversation is returned: the line rig waits there until the call's last
     *                  lines are saved, so a test reads the whole timeline
     */
    public FakeAsterisk(String host, int port, Duration ioTimeout, Runnable afterCall) {
        this.host = host;
        this.port = port;
        this.ioTimeout = ioTimeout;
        this.afterCall = afterCall;
    }

    /** A fresh Asterisk-style unique id ("1763900000.17"). */
    public String nextUniqueId() {
        long n = uids.incrementAndGet();
        return (n / 1000) + "." + (n % 1000);
    }

    /** Calls the support line from {@code callerId} (null or "" for a withheld number). */
    public Conversation call(String callerId, CallerScript caller) {
        return call("support-line", callerId, nextUniqueId(), List.of(), caller);
    }

    public Conversation call(String script, String callerId, String uniqueId, List<String> args, CallerScript caller) {
        Conversation c = AgiPeer.run(new AgiPeer.Call(host, port, script, callerId, null, uniqueId, args, caller, ioTimeout));
        afterCall.run();
        return c;
    }

    /**
     * The dialplan's {@code h} extension handing the fallback voicemail's recording over (a dead
     * channel: every command answered 200); returns the commands pagerline sent.
     */
    public List<String> fallbackMessage(String callerId, String uniqueId, String recording) throws IOException {
        List<String> env = AgiPeer.environment(new AgiPeer.Call(host, port, "fallback-message", callerId, null, uniqueId,
                List.of(recording), CallerScript.pressing(), ioTimeout));
        return raw(String.join("\n", env) + "\n\n", List.of("200 result=1", "200 result=1", "200 result=1"), false);
    }

    /** The environment lines for a support-line call from {@code callerId}. */
    public List<String> environment(String callerId, String uniqueId) {
        return AgiPeer.environment(new AgiPeer.Call(host, port, "support-line", callerId, null, uniqueId, List.of(),
                CallerScript.pressing(), ioTimeout));
    }

    /**
     * Sends {@code opening} as is (an environment, whole or cut short, with or without the blank
     * line), then answers each command with the next of {@code replies} (garbage or not); when
     * they run out, closes. Returns the commands received. Never hangs: reads time out.
     */
    public List<String> raw(String opening, List<String> replies, boolean closeAfterOpening) throws IOException {
        List<String> commands = new ArrayList<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout((int) ioTimeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(opening.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (closeAfterOpening) {
                s.shutdownOutput();
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Iterator<String> it = replies.iterator();
            String line;
            try {
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    if (!it.hasNext()) {
                        break;
                    }
                    if (!closeAfterOpening) {
                        out.write((it.next() + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            } catch (SocketTimeoutException e) {
                commands.add("(timeout)");
            }
        }
        return commands;
    }
}
