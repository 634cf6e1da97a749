package org.pagerline.core.mail;

import java.io.IOException;

/**
 * Port: where attachments (and the raw copy of a malformed message) are kept, beside the
 * recordings. Saving the same name under the same folder again overwrites it, so a message handled
 * again after a crash leaves one copy.
 */
public interface AttachmentFiles {
    /**
     * @param folder a folder name made from the message (safe characters only)
     * @return where it was stored (a path or URL an operator can open)
     */
    String save(String folder, String fileName, byte[] content) throws IOException;

    /** Keeps nothing: for a command line that has no attachment folder. */
    AttachmentFiles NONE = (folder, name, content) -> {
        throw new IOException("no attachment folder is configured");
    };
}
