package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.cli.simulate.AgiCommandLine;
import org.pagerline.cli.simulate.AgiPeer;
import org.pagerline.cli.simulate.CallerScript;
import org.pagerline.testkit.ServerProcess;

/**
 * A call's progress is saved off the caller's path, so a SIGKILL can take its last lines with it.
 * That loss is never silent: the call keeps its ticket (written before the caller hears anything),
 * and the next start ends the call as cut off with a line on the timeline saying at which step.
 */
class CallsLeftLiveByAKilledServerIT {

    @Test
    void aCallLiveWhenTheServerIsKilledKeepsItsTicketAndItsTimelineSaysItWasCutOff(@TempDir Path dir) throws Exception {
        String ticket;
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start();
                Socket s = new Socket()) {
            // Asterisk's side: the caller is answered and greeted, then the server is killed while it
            // waits for the caller's key at the urgency menu
            s.connect(new InetSocketAddress("127.0.0.1", server.agiPort()), 10_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder env = new StringBuilder();
            AgiPeer.environment(new AgiPeer.Call("127.0.0.1", server.agiPort(), "support-line", "+12045550123", "Jane",
                    "1763900000.7", List.of(), CallerScript.pressing(), java.time.Duration.ofSeconds(30)))
                    .forEach(l -> env.append(l).append('\n'));
            out.write(env.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String t = null;
            while (true) {
                AgiCommandLine cmd = AgiCommandLine.parse(in.readLine());
                if (cmd.verb().equals("GET DATA")) {
                    break; // the urgency menu: the caller is listening
                }
                if (cmd.verb().equals("SET VARIABLE") && cmd.arg(0).equals("PAGERLINE_TICKET")) {
                    t = cmd.arg(1);
                }
                String reply = switch (cmd.verb()) {
                    case "SET VARIABLE" -> "200 result=1";
                    case "GET VARIABLE" -> "200 result=1 (SUCCESS)";
                    default -> "200 result=0";
                };
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            ticket = t;
            assertNotNull(ticket, "the ticket number was set before the caller heard anything");
            server.kill();

            server.start();
            ServerProcess.CliResult shown = server.cli("ticket", "show", ticket);
            assertEquals(0, shown.exit(), shown.all());
            assertTrue(shown.out().contains("CALL_STARTED"), shown.out());
            assertTrue(shown.out().contains("CALL_CUT_OFF"), "the timeline says the call was cut off:\n" + shown.out());
            assertTrue(shown.out().contains("cut_off at "), "the call's outcome says so:\n" + shown.out());
            server.stop();
        }
    }
}
