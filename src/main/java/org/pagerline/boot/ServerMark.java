package org.pagerline.boot;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import org.pagerline.adapter.admin.AdminClient;
import org.pagerline.adapter.admin.AdminEndpoint;
import org.pagerline.config.DatabaseConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who runs on an embedded H2 database: written beside the database file by the server that opened
 * it ({@code pagerline.server}, 0600), removed at its stop. H2 is single-node: a second server on
 * the same file is refused at start in one line that names this one (host, pid, ports), whatever
 * its own data directory. A mark left by a killed server is ignored: it counts only while its
 * server answers on its admin socket.
 */
record ServerMark(String host, long pid, String agi, String http, Path dataDir) {
    private static final Logger log = LoggerFactory.getLogger(ServerMark.class);

    /** Where the mark of an H2 file database lives; empty for PostgreSQL and in-memory H2 (nothing to guard). */
    static Optional<Path> fileFor(DatabaseConfig db) {
        if (!db.isH2File()) {
            return Optional.empty();
        }
        String url = db.url();
        int file = url.indexOf("file:");
        if (file < 0) {
            return Optional.empty(); // jdbc:h2:tcp: and the like: another H2 server guards it
        }
        String path = url.substring(file + "file:".length()).split(";")[0];
        return Optional.of(Path.of(path + ".server").toAbsolutePath().normalize());
    }

    /** This process, as configured. */
    static ServerMark here(String agi, String http, Path dataDir) {
        return new ServerMark(hostName(), ProcessHandle.current().pid(), agi, http, dataDir);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The mark in {@code file}, if there is a readable one. */
    static Optional<ServerMark> read(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
            return Optional.of(new ServerMark(p.getProperty("host", "?"), Long.parseLong(p.getProperty("pid", "-1")),
                    p.getProperty("agi", "?"), p.getProperty("http", "?"), Path.of(p.getProperty("data.dir", "."))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The server that wrote it is running: it answers on its admin socket (a killed server's mark is stale). */
    boolean running() {
        return AdminClient.answers(dataDir.resolve(AdminEndpoint.SOCKET_FILE));
    }

    /** Writes the mark (0600); a failure is logged, never fatal. */
    void write(Path file) {
        String text = "host=" + host + "\npid=" + pid + "\nagi=" + agi + "\nhttp=" + http + "\ndata.dir="
                + dataDir.toString().replace("\\", "\\\\") + "\n";
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(DataDirectory.FILE_MODE));
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("could not write {} (a second server on this database would not be named): {}", file, e.getMessage());
        }
    }

    /** Removes the mark if it is still this process's. */
    static void remove(Path file) {
        read(file).filter(m -> m.pid() == ProcessHandle.current().pid()).ifPresent(m -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("could not remove {}: {}", file, e.getMessage());
            }
        });
    }

    /** The one line a second server stops with. */
    String refusal() {
        return "a pagerline server is already running on this H2 database (host " + host + ", pid " + pid + ", FastAGI "
                + agi + ", HTTP " + http + ", data " + dataDir + "); H2 is single-node: stop that one first, or use"
                + " PostgreSQL for two nodes (README, \"Production\")";
    }

    /** A second server on an H2 database another one runs: said in one line, exit status 1, nothing started. */
    static final class AlreadyRunning extends IllegalStateException {
        AlreadyRunning(String message) {
            super(message);
        }
    }
}
