package org.pagerline.adapter.admin;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.Settings;

/**
 * The command line's side of the admin socket. It is the first thing {@code pagerline COMMAND}
 * runs and must stay small: it loads the settings file only to find the data directory, and no
 * database, logging or command parsing (the server parses the command). When no server answers
 * on the socket (no socket file, or a stale one left by a crash), it says so and the command line
 * opens the database itself.
 */
public final class AdminClient {
    /** {@link #run} found no server: open the database in this process. */
    public static final int NO_SERVER = -1;
    /** How long to wait for a server that holds the database but has no socket yet (starting or stopping). */
    static final long WAIT_FOR_SERVER_MS = 30_000;

    private AdminClient() {}

    /**
     * Runs {@code args} in the server if one answers on the data directory's admin socket, copying
     * its output to {@code out} and {@code err}; returns the exit status, or {@link #NO_SERVER}.
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> forward = new ArrayList<>();
        Path config = configFile(args, env, forward);
        if (config == null) {
            return NO_SERVER; // a --config that does not exist: the full command line says so
        }
        Path dataDir;
        boolean defaultH2;
        try {
            Settings settings = Settings.load(config, env);
            dataDir = DatabaseConfig.dataDir(settings);
            defaultH2 = settings.raw("db.url").isEmpty();
        } catch (RuntimeException badSettings) {
            return NO_SERVER; // the full command line reports it, naming the key
        }
        Path socket = dataDir.resolve(AdminEndpoint.SOCKET_FILE);
        Path dbFile = dataDir.resolve("pagerline.mv.db");
        long deadline = System.nanoTime() + WAIT_FOR_SERVER_MS * 1_000_000;
        while (true) {
            SocketChannel ch;
            try {
                ch = connect(socket);
            } catch (IOException e) {
                err.println("error: cannot reach the server's admin socket " + socket + ": " + e.getMessage());
                return 1;
            }
            if (ch != null) {
                return send(ch, dataDir, forward, out, err);
            }
            // No server answers. If the database file is held all the same, a server is starting
            // (socket not made yet) or stopping (socket gone, database not yet closed): wait for either.
            if (!defaultH2 || !lockedByAnotherProcess(dbFile) || System.nanoTime() > deadline) {
                return NO_SERVER;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return NO_SERVER;
            }
        }
    }

    /** True when a server answers on this socket. */
    public static boolean answers(Path socket) {
        try (SocketChannel ch = connect(socket)) {
            return ch != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** A connection, or null when nobody listens (no socket file, or a stale one). */
    private static SocketChannel connect(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return null;
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (ConnectException refused) {
            ch.close();
            return null; // a socket file left by a server that died
        } catch (IOException e) {
            ch.close();
            if (!Files.exists(socket)) {
                return null; // removed as we connected: the server stopped
            }
            throw e;
        }
    }

    private static int send(SocketChannel ch, Path dataDir, List<String> args, PrintStream out, PrintStream err) {
        try (ch) {
            Path tokenFile = dataDir.resolve(AdminEndpoint.TOKEN_FILE);
            String token;
            try {
                token = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                err.println("error: a pagerline server is running on " + dataDir + " but its admin token " + tokenFile
                        + " cannot be read (" + e.getClass().getSimpleName() + "); run the command as the server's user");
                return 1;
            }
            AdminWire.writeRequest(new BufferedOutputStream(Channels.newOutputStream(ch)), token, args);
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            while (true) {
                AdminWire.Frame f = AdminWire.readFrame(in);
                switch (f.kind()) {
                    case "OUT" -> {
                        out.write(f.bytes());
                        out.flush();
                    }
                    case "ERR" -> {
                        err.write(f.bytes());
                        err.flush();
                    }
                    default -> {
                        return f.status();
                    }
                }
            }
        } catch (IOException e) {
            err.println("error: the server closed the admin connection before the command finished (" + e.getMessage()
                    + "); it may or may not have taken effect: see the server log");
            return 1;
        }
    }

    /**
     * The settings file the command names ({@code --config FILE} before the command, else
     * {@code PAGERLINE_CONFIG}, else config/pagerline.properties), and the arguments to send without
     * it (the server runs with its own settings). Null when a named file does not exist.
     */
    static Path configFile(String[] args, Map<String, String> env, List<String> forward) {
        String named = null;
        boolean command = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!command && a.equals("--config") && i + 1 < args.length) {
                named = args[++i];
            } else if (!command && a.startsWith("--config=")) {
                named = a.substring("--config=".length());
            } else {
                command |= !a.startsWith("-");
                forward.add(a);
            }
        }
        if (named == null) {
            String e = env.get("PAGERLINE_CONFIG");
            named = e != null && !e.isBlank() ? e : null;
        }
        if (named == null) {
            return Path.of("config/pagerline.properties");
        }
        Path p = Path.of(named);
        return Files.isRegularFile(p) ? p : null;
    }

    /** The first word that is not an option: the command ({@code server}, {@code tech} ...), or null. */
    public static String command(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return null;
    }

    /** True when another process holds H2's lock on the database file (H2 locks it while open). */
    static boolean lockedByAnotherProcess(Path dbFile) {
        if (!Files.isRegularFile(dbFile)) {
            return false;
        }
        try (FileChannel fc = FileChannel.open(dbFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = fc.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
