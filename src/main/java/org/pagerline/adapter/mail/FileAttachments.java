package org.pagerline.adapter.mail;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        Path target = dir.resolve(safe(fileName, "attachment"));
        Path tmp = dir.resolve(".part-" + target.getFileName());
        Files.write(tmp, content);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target.toString();
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
