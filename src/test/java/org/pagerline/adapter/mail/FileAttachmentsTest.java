package org.pagerline.adapter.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAttachmentsTest {
    @TempDir
    Path dir;

    /** Every pasted screenshot is "image.png": each part of the message is kept, none over another. */
    @Test
    void partsWithOneNameAreEachKept() throws Exception {
        FileAttachments files = new FileAttachments(dir);
        String first = files.save("<m1@customer.test>", "image.png", new byte[] {1});
        String second = files.save("<m1@customer.test>", "image.png", new byte[] {2});
        String third = files.save("<m1@customer.test>", "shot?.png", new byte[] {3});
        String fourth = files.save("<m1@customer.test>", "shot*.png", new byte[] {4}); // the same name once made safe
        assertNotEquals(first, second);
        assertEquals(List.of("image.png", "image (2).png", "shot_.png", "shot_ (2).png"),
                List.of(first, second, third, fourth).stream().map(f -> Path.of(f).getFileName().toString()).toList());
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(Path.of(first)));
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(Path.of(second)));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(Path.of(fourth)));
        try (var left = Files.list(Path.of(first).getParent())) {
            assertEquals(4, left.count(), "no temporary file left behind");
        }
    }

    /** A message read again (after a crash, or delivered twice) keeps its files, not copies of them. */
    @Test
    void theSameFileSavedAgainIsTheFileAlreadyKept() throws Exception {
        FileAttachments files = new FileAttachments(dir);
        String first = files.save("<m1@customer.test>", "image.png", new byte[] {1, 2});
        String again = files.save("<m1@customer.test>", "image.png", new byte[] {1, 2});
        String other = files.save("<m1@customer.test>", "image.png", new byte[] {3});
        String otherAgain = files.save("<m1@customer.test>", "image.png", new byte[] {3});
        assertEquals(first, again);
        assertEquals(other, otherAgain);
        assertNotEquals(first, other);
        try (var left = Files.list(Path.of(first).getParent())) {
            assertEquals(2, left.count(), "two files, no copies");
        }
    }

    @Test
    void aNameWithoutExtensionIsNumberedAtItsEnd() {
        assertEquals("README (3)", FileAttachments.numbered("README", 3));
        assertEquals("scan.tar (2).gz", FileAttachments.numbered("scan.tar.gz", 2));
    }
}
