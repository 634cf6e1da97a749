package org.pagerline.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory, private to the user that runs pagerline: the directory 0700, everything in
 * it 0600 (the H2 file, the generated database password, the admin socket and its token). Made
 * so when created; an existing one is tightened at start, said once in the log. Symbolic links
 * are left alone (their targets are not ours to change).
 *
 * <p>It also keeps the embedded database's password ({@value #PASSWORD_FILE}), generated on first
 * start from {@link SecureRandom}. The password is never logged.
 */
final class DataDirectory {
    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    static final String PASSWORD_FILE = "db-password";
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;

    private DataDirectory(Path dir) {
        this.dir = dir;
    }

    /** Creates the directory owner-only, or tightens an existing one and what is in it. */
    static DataDirectory secure(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                if (dir.getParent() != null) {
                    Files.createDirectories(dir.getParent());
                }
                if (POSIX) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } else {
                    Files.createDirectory(dir);
                }
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another process made it at the same moment: tightened below
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
        DataDirectory d = new DataDirectory(dir);
        List<Path> tightened = d.tighten();
        if (!tightened.isEmpty()) {
            log.info("data directory {} was open to other users: made private (directories 0700, files 0600): {}", dir,
                    tightened.stream().map(p -> dir.relativize(p).toString()).map(s -> s.isEmpty() ? "." : s)
                            .collect(Collectors.joining(", ")));
        }
        return d;
    }

    Path path() {
        return dir;
    }

    /** Sets 0700/0600 on whatever in the directory has more; returns what it changed. */
    List<Path> tighten() {
        if (!POSIX) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !Files.isSymbolicLink(p)).filter(this::tightenOne).collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not check the permissions in the data directory {}: {}", dir, e.getMessage());
            return List.of();
        }
    }

    private boolean tightenOne(Path p) {
        try {
            Set<PosixFilePermission> want = Files.isDirectory(p) ? DIR_MODE : FILE_MODE;
            Set<PosixFilePermission> have = Files.getPosixFilePermissions(p);
            if (want.containsAll(have)) {
                return false;
            }
            Files.setPosixFilePermissions(p, want);
            return true;
        } catch (NoSuchFileException gone) {
            return false; // a temporary file that went away meanwhile
        } catch (IOException e) {
            log.warn("could not make {} private: {}", p, e.getMessage());
            return false;
        }
    }

    /** The embedded database's password: read from {@value #PASSWORD_FILE}, or generated and kept there. */
    String databasePassword() {
        Path file = dir.resolve(PASSWORD_FILE);
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                SecureRandom rng = new SecureRandom();
                rng.nextBytes(random);
                // Written whole under a name of its own, then linked into place only if no other
                // process (a command and the server starting together) got there first: one password wins.
                Path tmp = dir.resolve(PASSWORD_FILE + "." + ProcessHandle.current().pid() + "." + Long.toHexString(rng.nextLong()));
                writeNew(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
                try {
                    Files.createLink(file, tmp);
                    log.info("generated the database password, kept in {}", file);
                } catch (java.nio.file.FileAlreadyExistsException otherWon) {
                    // read theirs below
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw new IllegalStateException("the database password file " + file + " is empty");
            }
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the database password file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a new file, created 0600 (never readable by others, not even for a moment), and syncs it. */
    private static void writeNew(Path file, String text) throws IOException {
        try (FileChannel ch = POSIX
                ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(FILE_MODE))
                : FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
