package org.pagerline.core.web;

import java.time.Instant;

/** A file a client attached to a portal ticket or reply; its bytes are read on their own ({@link WebStore#attachmentBytes}). */
public record Attachment(long id, long ticketId, String fileName, String contentType, long size, Instant addedAt) {}
