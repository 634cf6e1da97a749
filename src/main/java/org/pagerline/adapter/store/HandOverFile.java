package org.pagerline.adapter.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pagerline.service.HandOverJournal;

/**
 * The hand-over journal as a file beside the database ({@code handovers.log} in {@code data.dir},
 * owner-only): one line per hand-over, {@code <page id> <attempt> <claimed at>}, and one more with
 * {@code <provider id>} at its end once the provider accepted it, appended with one
 * write per batch. A write is in the operating system's hands when it returns, so it survives the
 * process being killed (like H2's own commits, it is not forced to the disk). Nothing is removed
 * while it is small: H2 was seen to lose a whole run's work, so entries are kept across runs; past
 * {@link #MAX_BYTES} the older half is dropped (some 35,000 hand-overs are kept).
 */
public final class HandOverFile implements HandOverJournal {
    static final long MAX_BYTES = 4L << 20;
    private final Path file;
    private final long maxBytes;

    public HandOverFile(Path file) {
        this(file, MAX_BYTES);
    }

    HandOverFile(Path file, long maxBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized void handingOver(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Entry e : entries) {
            if (e.providerId() != null && !e.providerId().matches("\\S+")) {
                continue;   // one field per word: an id with spaces could not be read back (no provider has one)
            }
            lines.append(e.pageId()).append(' ').append(e.attempt()).append(' ').append(e.claimedAt());
            if (e.providerId() != null) {
                lines.append(' ').append(e.providerId());
            }
            lines.append('\n');
        }
        try {
            if (Files.exists(file) && Files.size(file) > maxBytes) {
                keepNewerHalf();
            }
            try (FileChannel out = open(StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hand-over journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<Entry> entries() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Entry> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                parse(line).ifPresent(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the hand-over journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** A line as written, or empty for one torn by a kill mid-write. */
    static java.util.Optional<Entry> parse(String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 3 && f.length != 4) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(new Entry(Long.parseLong(f[0]), Integer.parseInt(f[1]), Instant.parse(f[2]),
                    f.length == 4 ? f[3] : null));
        } catch (RuntimeException torn) {
            return java.util.Optional.empty();
        }
    }

    private void keepNewerHalf() throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.write(tmp, lines.subList(lines.size() / 2, lines.size()), StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private FileChannel open(StandardOpenOption mode) throws IOException {
        if (!Files.exists(file) && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // made meanwhile: fine
            }
        }
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
    }
}
