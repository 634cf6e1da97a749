package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.RosterService;
import org.pagerline.testkit.ServerProcess;
import org.pagerline.testkit.TestDatabase;

/**
 * The real server in its own JVM, started on a data directory as the previous version left it
 * (open to every user; H2 user sa with an empty password): nothing of the database is reachable
 * from outside the server process. No TCP listener but the configured FastAGI and HTTP ports; the
 * directory 0700 and its files 0600 (and the log says it fixed them); the H2 file cannot be opened
 * beside the server, and once it stops, sa with the empty password is refused.
 */
class DatabaseNotExposedIT {
    @TempDir
    Path dir;

    @Test
    void theServerListensOnlyOnItsOwnPortsAndNothingOfTheDatabaseIsOpenToOthers() throws Exception {
        Path data = dir.resolve("data");
        try (TestDatabase old = TestDatabase.fileIn(data)) {
            new RosterService(old.transactions(), new PhoneNumbers("CA"), Clock.systemUTC())
                    .addTechnician(new RosterService.NewTechnician("Alice Able", "+12045550101", null, null, "UTC"));
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        String url = PagerlineConfig.from(Settings.ofMap(Map.of("data.dir", data.toString()))).database().url();

        try (ServerProcess server = new ServerProcess(dir, Map.of()).start()) {
            assertEquals(Set.of(server.httpPort(), server.agiPort()), listeningTcpPorts(server.pid()),
                    "the server listens on FastAGI and HTTP only: no port for the database");

            Map<String, String> modes = modes(data);
            assertEquals("rwx------", modes.remove("."), "the data directory");
            assertTrue(modes.keySet().containsAll(List.of("pagerline.mv.db", "db-password", "admin.sock", "admin.token")),
                    modes.toString());
            modes.forEach((file, mode) -> assertEquals("rw-------", mode, file));
            assertFalse(modes.keySet().stream().anyMatch(f -> f.endsWith(".lock.db")), "no lock file with a port and key: " + modes);

            assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close(),
                    "the H2 file is the server's alone while it runs");

            ServerProcess.CliResult techs = server.cli("tech", "list", "--json");
            assertEquals(0, techs.exit(), techs.all());
            assertTrue(techs.out().contains("\"Alice Able\""), "the old data is all there: " + techs.out());

            String password = Files.readString(data.resolve("db-password")).strip();
            String log = server.log();
            assertFalse(log.contains(password), "the password is never logged");
            assertEquals(1, log.split("was open to other users", -1).length - 1, "said once in the log:\n" + log);
            assertTrue(log.contains("made private (directories 0700, files 0600)"), log);
            assertEquals(143, server.stop());
        }

        SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "sa", "").close());
        assertEquals(28000, refused.getErrorCode(), "sa with the empty password is refused: " + refused.getMessage());
        DriverManager.getConnection(url, "sa", Files.readString(data.resolve("db-password")).strip()).close();
    }

    /** Every file's mode, by name ("." for the directory itself). */
    private static Map<String, String> modes(Path data) throws IOException {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path p : all.toList()) {
                String name = data.relativize(p).toString();
                modes.put(name.isEmpty() ? "." : name, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return modes;
    }

    /** The TCP ports a process listens on (IPv4 and IPv6, any address): its socket inodes matched in /proc/PID/net/tcp*. */
    static Set<Integer> listeningTcpPorts(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // an fd that closed as we listed them
                }
            }
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path p = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(p)) {
                continue;
            }
            // read once: the table is the whole network namespace's, and other tests' sockets come and
            // go between two reads (a second read for its length failed a CI run with IndexOutOfBounds)
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
