package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.cli.simulate.Conversation;
import org.pagerline.testkit.Eventually;

/**
 * FastAGI peers that connect and say nothing, stop halfway through their environment, or go
 * silent when a reply is owed are dropped, so they cannot fill agi.max-calls; a call that is
 * waiting on a long Dial is not. Real sockets against the whole server, with a FakeAsterisk for
 * the real calls.
 */
class AgiSilentConnectionsIT {
    @TempDir
    Path dir;

    @Test
    void idleAndHalfSentConnectionsAreClosedSoRealCallsGoThrough() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("agi.max-calls", "10",
                "agi.environment-timeout", "300ms"));
                Peers peers = new Peers(e.agiPort)) {
            for (int i = 0; i < 10; i++) {
                peers.open(""); // connects and says nothing
                peers.open("agi_network: yes\nagi_network_script: support-line\nagi_request: agi://127.0.0.1/support-line\n");
            }
            Eventually.await(Duration.ofSeconds(10), "every idle and half-sent connection closed", () -> peers.open() == 0);

            for (int call = 0; call < 3; call++) {
                Conversation c = e.asterisk.call(E2eServer.CALLER, CallerScript.pressing("2"));
                assertNull(c.error(), c.error());
                assertTrue(c.commands().size() > 3, "the call was served: " + c.commands());
            }
        }
    }

    @Test
    void aPeerSilentAfterACommandIsDroppedButACallWaitingOnALongDialIsNot() throws Exception {
        try (E2eServer e = E2eServer.start(dir, E2eServer.Voice.TWILIO, Map.of("agi.reply-timeout", "400ms"));
                Peers peers = new Peers(e.agiPort)) {
            String env = String.join("\n", e.asterisk.environment(E2eServer.CALLER, e.asterisk.nextUniqueId())) + "\n\n";
            Peer dialing = peers.peer(env);
            List<String> before = dialing.answerUntil("EXEC \"Dial\"");
            assertTrue(before.get(before.size() - 1).startsWith("EXEC \"Dial\""), before.toString());

            Peer silent = peers.peer(String.join("\n", e.asterisk.environment(E2eServer.CALLER, e.asterisk.nextUniqueId())) + "\n\n");
            assertFalse(silent.nextCommand().isEmpty(), "the silent peer got its first command");
            // it never answers: once it is dropped, the reply timeout has passed for the Dial too
            Eventually.await(Duration.ofSeconds(10), "the silent peer dropped", silent::closed);

            assertFalse(dialing.closed(), "a call waiting on Dial is not silent: Asterisk answers when the Dial ends");
            List<String> after = dialing.answerUntil(null); // the Dial ends (no answer); the call goes on to voicemail
            assertTrue(after.stream().anyMatch(c -> c.startsWith("RECORD FILE")), "the call went on: " + after);
        }
    }

    /** Raw FastAGI peers. */
    private static final class Peers implements AutoCloseable {
        private final int port;
        private final List<Peer> all = new ArrayList<>();

        Peers(int port) {
            this.port = port;
        }

        void open(String opening) throws IOException {
            peer(opening);
        }

        Peer peer(String opening) throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.getOutputStream().write(opening.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            Peer p = new Peer(s);
            all.add(p);
            return p;
        }

        /** How many are still open. */
        int open() {
            return (int) all.stream().filter(p -> !p.closed()).count();
        }

        @Override
        public void close() {
            all.forEach(p -> {
                try {
                    p.socket.close();
                } catch (IOException ignored) {
                    // a test socket
                }
            });
        }
    }

    private static final class Peer {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        private boolean eof;

        Peer(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        /** True once the server has closed the connection (checked without waiting). */
        boolean closed() {
            if (eof) {
                return true;
            }
            try {
                socket.setSoTimeout(1);
                int c = in.read();
                if (c == -1) {
                    eof = true;
                    return true;
                }
                throw new AssertionError("unexpected bytes from the server: " + (char) c + in.readLine());
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                eof = true;
                return true;
            }
        }

        String nextCommand() throws IOException {
            socket.setSoTimeout(10_000);
            String line = in.readLine();
            return line == null ? "" : line;
        }

        /**
         * Answers commands as a caller who presses 1 at every menu and whose technician does not
         * answer, until a command starting with {@code stop} arrives (unanswered, returned last), or
         * until the server closes when {@code stop} is null. Returns the commands seen.
         */
        List<String> answerUntil(String stop) throws IOException {
            List<String> seen = new ArrayList<>();
            boolean first = stop == null; // answering the command that stopped the last round
            for (int i = 0; i < 200; i++) {
                if (first) {
                    reply("200 result=0");
                    first = false;
                }
                String command = nextCommand();
                if (command.isEmpty()) {
                    eof = true;
                    return seen;
                }
                seen.add(command);
                if (stop != null && command.startsWith(stop)) {
                    return seen;
                }
                if (command.startsWith("GET DATA")) {
                    reply("200 result=1");
                } else if (command.startsWith("CHANNEL STATUS")) {
                    reply("200 result=6");
                } else if (command.startsWith("RECORD FILE")) {
                    reply("200 result=0 (timeout) endpos=40000");
                } else {
                    reply("200 result=0");
                }
            }
            throw new AssertionError("no end after 200 commands: " + seen);
        }

        private void reply(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
