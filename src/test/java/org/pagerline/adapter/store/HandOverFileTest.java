package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.service.HandOverJournal.Entry;

/** The hand-over journal file: what was written is read back, across instances, a torn line left out. */
class HandOverFileTest {
    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-12-02T12:37:47.843564Z");

    @Test
    void entriesWrittenByOneRunAreReadByTheNextAndALineTornByAKillIsLeftOut() throws Exception {
        Path file = dir.resolve("handovers.log");
        new HandOverFile(file).handingOver(List.of(new Entry(15, 1, T), new Entry(16, 1, T)));
        new HandOverFile(file).handingOver(List.of(new Entry(15, 2, T.plusSeconds(40))));
        Files.writeString(file, "17 1 2026-12-02T12:3", StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        assertEquals(List.of(new Entry(15, 1, T), new Entry(16, 1, T), new Entry(15, 2, T.plusSeconds(40))),
                new HandOverFile(file).entries());
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void whatTheProviderAcceptedAHandOverAsIsReadBackBesideTheHandOver() {
        Path file = dir.resolve("handovers.log");
        HandOverFile journal = new HandOverFile(file);
        journal.handingOver(List.of(new Entry(15, 1, T)));
        journal.handingOver(List.of(new Entry(15, 1, T, "CA0123456789abcdef"), new Entry(16, 1, T, "an id with spaces")));
        assertEquals(List.of(new Entry(15, 1, T), new Entry(15, 1, T, "CA0123456789abcdef")), journal.entries(),
                "an id that could not be read back as one word is left out");
    }

    @Test
    void pastItsSizeTheOlderHalfIsDroppedAndTheNewestEntriesKept() {
        Path file = dir.resolve("handovers.log");
        HandOverFile journal = new HandOverFile(file, 2_000);
        List<Entry> written = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            Entry e = new Entry(i, 1, T.plusSeconds(i));
            written.add(e);
            journal.handingOver(List.of(e));
        }
        List<Entry> kept = journal.entries();
        assertEquals(written.get(99), kept.get(kept.size() - 1), "the newest hand-over is always kept");
        assertEquals(true, kept.size() < 100 && kept.size() > 20, kept.size() + " kept");
        assertEquals(written.subList(100 - kept.size(), 100), kept, "the kept ones are the newest, in order");
    }
}
