package org.pagerline.adapter.mail;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.pagerline.core.mail.AttachmentFiles;

/**
 * Attachments as files under one folder (mail.attachments-dir), one sub-folder per message. Names
 * are reduced to safe characters (no path, no leading dot); folders are private to their owner.
 * A file is written whole (temporary file, then renamed) or not at all.
 */
public final class FileAttachments implements AttachmentFiles {
    private final Path root;

    public FileAttachments(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String save(String folder, String fileName, byte[] content) throws IOException {
        Path dir = root.resolve(safe(folder, "message"));
        createPrivate(root);
        createPrivate(dir);
        String name = safe(fileName, "attachment");
        Path tmp = Files.createTempFile(dir, ".part-", ".tmp");
        try {
            Files.write(tmp, content);
            // never over a file already kept: two parts of one message with one name (every pasted
            // screenshot is "image.png"), or a second message reusing a Message-ID, keep both; the
            // same bytes again (the message read again after a crash or delivered twice) are that file
            for (int n = 1; ; n++) {
                Path target = dir.resolve(n == 1 ? name : numbered(name, n));
                if (Files.isRegularFile(target) && Files.mismatch(tmp, target) == -1) {
                    return target.toString();
                }
                try {
                    Files.move(tmp, target); // a rename within the folder: whole or not at all
                    return target.toString();
                } catch (FileAlreadyExistsException taken) {
                    if (n >= MAX_SAME_NAME) {
                        throw taken;
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** How many files of one name a message's folder keeps ("image.png" to "image (1000).png"). */
    static final int MAX_SAME_NAME = 1000;

    /** "image.png", 2 -> "image (2).png". */
    static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot) : name + " (" + n + ")";
    }

    private static void createPrivate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    /** A file name that cannot leave its folder: the last path element, safe characters, at most 120 of them. */
    static String safe(String name, String dflt) {
        String n = name == null ? "" : name;
        n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
        n = n.replaceAll("[^\\p{L}\\p{N}._ -]", "_").strip();
        while (n.startsWith(".")) {
            n = n.substring(1);
        }
        if (n.length() > 120) {
            int dot = n.lastIndexOf('.');
            String ext = dot > 0 && n.length() - dot <= 10 ? n.substring(dot) : "";
            n = n.substring(0, 120 - ext.length()) + ext;
        }
        return n.isEmpty() ? dflt : n;
    }
}
