package org.pagerline.adapter.admin;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's local admin endpoint: a Unix domain socket in the data directory ({@value #SOCKET_FILE},
 * 0600 in a 0700 directory) on which the command line sends a command for the server to run
 * in-process, against its own services, so a change takes effect at once. A request must carry the
 * token in {@value #TOKEN_FILE} (0600, new at each start); anything else is answered with an error
 * and nothing runs. No TCP, no HTTP: nothing of it is reachable from another machine or another user.
 */
public final class AdminEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminEndpoint.class);
    public static final String SOCKET_FILE = "admin.sock";
    public static final String TOKEN_FILE = "admin.token";
    /** A request must arrive whole within this long after connecting. */
    static final long REQUEST_SECONDS = 10;
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Runs one command line in the server, as {@code pagerline ARGS} would; returns its exit status. */
    @FunctionalInterface
    public interface CommandRunner {
        int run(List<String> args, PrintWriter out, PrintWriter err);
    }

    private final Path socket;
    private final Path tokenFile;
    private final CommandRunner runner;
    private byte[] token;
    private ServerSocketChannel server;
    private ExecutorService workers;
    private ScheduledExecutorService timeouts;
    private volatile boolean closed;

    public AdminEndpoint(Path dataDir, CommandRunner runner) {
        this.socket = dataDir.resolve(SOCKET_FILE);
        this.tokenFile = dataDir.resolve(TOKEN_FILE);
        this.runner = runner;
    }

    /** Writes a new token, replaces a stale socket file left by a crash, and starts listening. */
    public AdminEndpoint start() {
        try {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            writePrivate(tokenFile, text + "\n");
            token = text.getBytes(StandardCharsets.US_ASCII);
            Files.deleteIfExists(socket); // a running server was ruled out before the database was opened
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(socket));
            } catch (SocketException e) {
                throw new IllegalStateException("cannot make the admin socket " + socket + ": " + e.getMessage()
                        + (socket.toString().length() > 100 ? " (a Unix socket path must be under 108 bytes: choose a shorter data.dir)" : ""), e);
            }
            if (POSIX) {
                Files.setPosixFilePermissions(socket, FILE_MODE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the admin socket " + socket + ": " + e.getMessage(), e);
        }
        workers = Executors.newFixedThreadPool(4, r -> daemon(r, "admin"));
        timeouts = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "admin-timeout"));
        Thread acceptor = daemon(this::acceptLoop, "admin-accept");
        acceptor.start();
        log.info("admin socket {} ready for the command line", socket);
        return this;
    }

    public Path socket() {
        return socket;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                workers.execute(() -> serve(ch));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("admin socket: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel ch) {
        ScheduledFuture<?> timeout = timeouts.schedule(() -> closeQuietly(ch), REQUEST_SECONDS, TimeUnit.SECONDS);
        try (ch) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
            AdminWire.Request request;
            try {
                request = AdminWire.readRequest(new BufferedInputStream(Channels.newInputStream(ch)));
            } catch (IOException e) {
                log.debug("admin socket: not a request: {}", e.toString());
                return;
            } finally {
                timeout.cancel(false);
            }
            if (!MessageDigest.isEqual(token, request.token().getBytes(StandardCharsets.US_ASCII))) {
                log.warn("admin socket: a command was refused: {} admin token", request.token().isEmpty() ? "no" : "a wrong");
                AdminWire.writeFrame(out, "ERR", ("error: the server refused the command: the admin token is "
                        + (request.token().isEmpty() ? "missing" : "wrong") + " (it must be the one in " + tokenFile + ")\n")
                        .getBytes(StandardCharsets.UTF_8));
                AdminWire.writeExit(out, 1);
                return;
            }
            int status;
            long started = System.nanoTime();
            try (PrintWriter stdout = new PrintWriter(new FrameWriter(out, "OUT"), true);
                 PrintWriter stderr = new PrintWriter(new FrameWriter(out, "ERR"), true)) {
                try {
                    status = runner.run(request.args(), stdout, stderr);
                } catch (RuntimeException e) {
                    log.error("admin command failed: {}", e.toString(), e);
                    stderr.println("error: " + e);
                    status = 1;
                }
                stdout.flush();
                stderr.flush();
            }
            AdminWire.writeExit(out, status);
            log.info("admin command '{}' from the command line: exit {} ({} ms)", words(request.args()), status,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | UncheckedIOException e) {
            log.debug("admin socket: the command line went away: {}", e.toString());
        }
    }

    /** The command's words (not its values, which may be phone numbers): "tech add". */
    private static String words(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (a.startsWith("-") || sb.length() > 40) {
                break;
            }
            if (!a.chars().allMatch(c -> (c >= 'a' && c <= 'z') || c == '-')) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : " ").append(a);
        }
        return sb.toString();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Stops listening, lets commands under way finish (a few seconds), removes the socket and token. */
    @Override
    public void close() {
        if (closed || server == null) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timeouts.shutdownNow();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(tokenFile);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", socket, e.getMessage());
        }
    }

    /** Written 0600 from its creation, then moved into place. */
    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = POSIX
                ? FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(FILE_MODE))
                : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Sends what the command prints as OUT or ERR frames, on each flush (so long commands stream). */
    private static final class FrameWriter extends Writer {
        private final OutputStream out;
        private final String kind;
        private final StringBuilder pending = new StringBuilder();

        FrameWriter(OutputStream out, String kind) {
            this.out = out;
            this.kind = kind;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            synchronized (out) {
                pending.append(cbuf, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (out) {
                if (pending.length() == 0) {
                    return;
                }
                AdminWire.writeFrame(out, kind, pending.toString().getBytes(StandardCharsets.UTF_8));
                pending.setLength(0);
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
