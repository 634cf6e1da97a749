package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.pagerline.cli.simulate.AgiCommandLine;
import org.pagerline.cli.simulate.AgiPeer;
import org.pagerline.cli.simulate.CallerScript;

/**
 * Asterisk's side of one support-line call from +12045550123, over a real socket: replies to every
 * command, pressing {@link #keys} at the menus, and stops at a prompt (a test then kills the server).
 */
final class RawAgiCaller {
    final java.util.Deque<String> keys = new java.util.ArrayDeque<>();
    private final OutputStream out;
    private final BufferedReader in;
    String ticket;

    RawAgiCaller(Socket s, int agiPort, String uniqueId) throws Exception {
        s.connect(new InetSocketAddress("127.0.0.1", agiPort), 10_000);
        s.setSoTimeout(30_000);
        out = s.getOutputStream();
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder env = new StringBuilder();
        AgiPeer.environment(new AgiPeer.Call("127.0.0.1", agiPort, "support-line", "+12045550123", "Jane",
                uniqueId, List.of(), CallerScript.pressing(), java.time.Duration.ofSeconds(30)))
                .forEach(l -> env.append(l).append('\n'));
        out.write(env.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Answers until the server asks {@code prompt} with no key left to press; leaves that command unanswered. */
    void answerUntil(String prompt) throws Exception {
        while (true) {
            String line = in.readLine();
            assertNotNull(line, "the server closed the call before asking " + prompt);
            AgiCommandLine cmd = AgiCommandLine.parse(line);
            if (cmd.verb().equals("SET VARIABLE") && cmd.arg(0).equals("PAGERLINE_TICKET")) {
                ticket = cmd.arg(1);
            }
            String reply = switch (cmd.verb()) {
                case "SET VARIABLE" -> "200 result=1";
                case "GET VARIABLE" -> "200 result=1 (SUCCESS)";
                case "GET DATA" -> {
                    if (cmd.arg(0).equals(prompt) && keys.isEmpty()) {
                        yield null;
                    }
                    yield "200 result=" + keys.removeFirst();
                }
                default -> "200 result=0";
            };
            if (reply == null) {
                return; // the caller is listening to the prompt
            }
            out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
