package org.pagerline.adapter.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.TestDatabase;

/** The admin socket on its own: what the command line sends runs in the server, and only with the token. */
class AdminSocketTest {
    @TempDir
    Path dir;
    Path data;
    Path config;
    final List<List<String>> ran = new CopyOnWriteArrayList<>();
    AdminEndpoint endpoint;

    @BeforeEach
    void setUp() throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data);
        config = dir.resolve("pagerline.properties");
        Files.writeString(config, "data.dir=" + data + "\n");
    }

    @AfterEach
    void tearDown() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private void startEcho() {
        endpoint = new AdminEndpoint(data, (args, out, err) -> {
            ran.add(args);
            out.println("ran " + String.join("|", args));
            err.println("a warning");
            return args.contains("--fail") ? 2 : 0;
        }).start();
    }

    private record Run(int exit, String out, String err) {}

    private Run client(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminClient.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCommandRunsInTheServerAndTheCommandLinePrintsItsOutputAndExitStatus() {
        startEcho();
        Run r = client("--config", config.toString(), "tech", "add", "--name", "Zoë\nTwo lines", "--fail");
        assertEquals(2, r.exit());
        assertEquals("ran tech|add|--name|Zoë\nTwo lines|--fail\n", r.out(), "every argument arrives whole; --config stays here");
        assertEquals("a warning\n", r.err());
        assertEquals(List.of(List.of("tech", "add", "--name", "Zoë\nTwo lines", "--fail")), ran);

        Run ok = client("--config=" + config, "oncall");
        assertEquals(0, ok.exit());
        assertEquals("ran oncall\n", ok.out());
    }

    @Test
    void theSocketAndTheTokenAreForTheOwnerOnly() throws Exception {
        startEcho();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.sock"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.token"))));
        endpoint.close();
        assertFalse(Files.exists(data.resolve("admin.sock")), "a clean stop removes the socket");
        assertFalse(Files.exists(data.resolve("admin.token")), "and the token");
    }

    @Test
    void aWrongTokenIsRefusedAndNothingRuns() throws Exception {
        startEcho();
        Files.writeString(data.resolve("admin.token"), "not-the-token\n"); // the server keeps its own copy
        Run r = client("--config", config.toString(), "tech", "remove", "1");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: the server refused the command: the admin token is wrong"), r.err());
        assertEquals(List.of(), ran);
    }

    @Test
    void aRequestWithoutATokenIsRefusedAndNothingRuns() throws Exception {
        startEcho();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(data.resolve("admin.sock")))) {
            OutputStream out = Channels.newOutputStream(ch);
            AdminWire.writeRequest(out, "", List.of("tech", "remove", "1"));
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            AdminWire.Frame f = AdminWire.readFrame(in);
            assertEquals("ERR", f.kind());
            assertTrue(new String(f.bytes(), StandardCharsets.UTF_8).contains("the admin token is missing"));
            assertEquals(1, AdminWire.readFrame(in).status());
        }
        assertEquals(List.of(), ran);
    }

    @Test
    void aTokenFileTheCommandLineCannotReadIsAClearError() throws Exception {
        startEcho();
        Files.delete(data.resolve("admin.token"));
        Run r = client("--config", config.toString(), "tech", "list");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("a pagerline server is running on " + data + " but its admin token "), r.err());
        assertEquals(List.of(), ran);
    }

    @Test
    void garbageOnTheSocketIsDroppedWithoutRunningAnything() throws Exception {
        startEcho();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(data.resolve("admin.sock")))) {
            Channels.newOutputStream(ch).write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, Channels.newInputStream(ch).read(), "closed without an answer");
        }
        assertEquals(List.of(), ran);
        assertEquals(0, client("--config", config.toString(), "oncall").exit(), "and the next command is served");
    }

    @Test
    void aSocketFileLeftByACrashedServerMeansNoServerAndIsReplacedAtStart() throws Exception {
        Path sock = data.resolve("admin.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock), "the socket file outlives its server, as after a SIGKILL");
        assertEquals(AdminClient.NO_SERVER, client("--config", config.toString(), "tech", "list").exit(),
                "nobody answers: the command line opens the database itself");
        startEcho();
        assertEquals(0, client("--config", config.toString(), "tech", "list").exit());
    }

    @Test
    void aCommandThatFindsTheDatabaseHeldAndNoSocketWaitsForTheServerThatIsStarting() throws Exception {
        // A server part-way through its start: the database file open (and locked), no socket yet.
        try (TestDatabase held = TestDatabase.fileIn(data)) {
            CompletableFuture<Run> command = new CompletableFuture<>();
            Thread t = new Thread(() -> command.complete(client("--config", config.toString(), "tech", "list")));
            t.start();
            Eventually.await(Duration.ofSeconds(10), "the command waiting", () -> t.getState() == Thread.State.TIMED_WAITING);
            assertFalse(command.isDone(), "it waits rather than open a database that is in use");
            startEcho();
            Run r = command.get(10, TimeUnit.SECONDS);
            assertEquals(0, r.exit());
            assertEquals("ran tech|list\n", r.out());
        }
    }

    @Test
    void noSocketMeansNoServer() {
        assertEquals(AdminClient.NO_SERVER, client("--config", config.toString(), "tech", "list").exit());
    }

    @Test
    void theCommandIsTheFirstWordThatIsNotAnOption() {
        assertEquals("server", AdminClient.command(new String[] {"--config", "x.properties", "server"}));
        assertEquals("tech", AdminClient.command(new String[] {"tech", "add", "--name", "server"}));
    }
}
