package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.ServerProcess;

/**
 * {@code pagerline COMMAND} in its own JVM beside the real server in another: while the server
 * runs, the command runs in it (through the admin socket, with the token), so a change reaches
 * the engine at once; with no server, the same command opens the database itself and prints the
 * same thing. A wrong or missing token is refused; a socket left by a killed server blocks nothing.
 */
class CommandLineThroughTheServerIT {
    @TempDir
    Path dir;

    @Test
    void whileTheServerRunsCommandsRunInItAndAChangeReachesTheEngineAtOnce() throws Exception {
        // The sweep is 10 minutes: only the command running in the server can wake the engine in time.
        try (ServerProcess server = new ServerProcess(dir, Map.of("scheduler.sweep-interval", "10m")).start()) {
            ok(server.cli("tech", "add", "--name", "Alice Able", "--phone", "+12045550101"));
            ok(server.cli("tech", "add", "--name", "Bob Baker", "--phone", "+12045550102"));
            ok(server.cli("rotation", "set", "PRIMARY", "--members", "Alice Able", "--start", "2026-01-05"));
            ok(server.cli("rotation", "set", "SECONDARY", "--members", "Bob Baker", "--start", "2026-01-05"));
            ServerProcess.CliResult viaServer = ok(server.cli("tech", "list", "--json"));
            assertTrue(viaServer.out().contains("\"Bob Baker\""), viaServer.out());
            assertTrue(server.log().contains("admin command 'tech add' from the command line: exit 0"), server.log());
            assertTrue(server.log().contains("admin command 'tech list' from the command line: exit 0"), server.log());

            ServerProcess.CliResult call = ok(server.cli("simulate", "call", "--from", "+12045550199", "--press", "1,1,1",
                    "--tech", "ignore", "--agi-port", Integer.toString(server.agiPort())));
            assertTrue(call.out().contains("PAGERLINE_RESULT=VOICEMAIL"), call.out());
            Eventually.await(Duration.ofSeconds(20), "the first pages", () -> server.log().contains(" to Bob Baker "));
            ok(server.cli("incident", "ack", "1", "--tech", "Alice Able"));
            Eventually.await(Duration.ofSeconds(10), "Bob told at once who took it (not at the next 10-minute sweep)",
                    () -> server.log().contains("Alice Able took incident 1"));

            assertEquals(143, server.stop());
            assertFalse(Files.exists(server.dataDir().resolve("admin.sock")), "a clean stop removes the socket");
            ServerProcess.CliResult direct = ok(server.cli("tech", "list", "--json"));
            assertEquals(viaServer.out(), direct.out(), "the same output with no server, the database opened by the command");
            assertEquals(viaServer.exit(), direct.exit());
            ServerProcess.CliResult missing = server.cli("tech", "show", "Nobody");
            server.start();
            ServerProcess.CliResult missingViaServer = server.cli("tech", "show", "Nobody");
            assertEquals(missing.exit(), missingViaServer.exit(), missing.all() + " / " + missingViaServer.all());
            assertEquals(missing.err(), missingViaServer.err());
            assertEquals(missing.out(), missingViaServer.out());
        }
    }

    @Test
    void aWrongOrMissingAdminTokenIsRefusedWithAClearErrorAndChangesNothing() throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start()) {
            ok(server.cli("tech", "add", "--name", "Alice Able", "--phone", "+12045550101"));
            Path token = server.dataDir().resolve("admin.token");
            String real = Files.readString(token);

            Files.writeString(token, "forged-token\n");
            ServerProcess.CliResult wrong = server.cli("tech", "remove", "Alice Able");
            assertEquals(1, wrong.exit(), wrong.all());
            assertTrue(wrong.err().startsWith("error: the server refused the command: the admin token is wrong"), wrong.err());
            assertTrue(server.log().contains("admin socket: a command was refused: a wrong admin token"), server.log());

            Files.delete(token);
            ServerProcess.CliResult none = server.cli("tech", "remove", "Alice Able");
            assertEquals(1, none.exit(), none.all());
            assertTrue(none.err().contains("but its admin token " + token + " cannot be read"), none.err());

            Files.writeString(token, real);
            assertTrue(ok(server.cli("tech", "list", "--json")).out().contains("\"Alice Able\""), "nothing was removed");
        }
    }

    @Test
    void aSocketLeftByAKilledServerDoesNotBlockTheCommandLine() throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start()) {
            ok(server.cli("tech", "add", "--name", "Alice Able", "--phone", "+12045550101"));
            server.kill();
            assertTrue(Files.exists(server.dataDir().resolve("admin.sock")), "SIGKILL leaves the socket file behind");
            ServerProcess.CliResult direct = ok(server.cli("tech", "list", "--json"));
            assertTrue(direct.out().contains("\"Alice Able\""), direct.out());
            server.start();
            assertTrue(ok(server.cli("tech", "list", "--json")).out().contains("\"Alice Able\""), "a restart replaces it");
        }
    }

    private static ServerProcess.CliResult ok(ServerProcess.CliResult r) {
        assertEquals(0, r.exit(), r.all());
        return r;
    }
}
