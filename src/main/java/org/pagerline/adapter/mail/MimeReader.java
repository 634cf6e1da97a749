package org.pagerline.adapter.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pagerline.core.mail.InboundMail;

/**
 * Translates a message as received (RFC 5322 bytes) into an {@link InboundMail}: the headers that
 * matter for threading and loops, the body as text (text/plain preferred in multipart/alternative,
 * HTML-only mail through jsoup, any declared charset, undeclared 8-bit text read as UTF-8 or else
 * Windows-1252), attachments up to the size cap. Never throws on bad MIME: what cannot be read is
 * named in {@link InboundMail#problem()} and the raw message is kept with it.
 */
public final class MimeReader implements org.pagerline.core.mail.MailReader {
    private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");
    private static final Pattern AUTO_SUBJECT = Pattern.compile(
            "^(automatic reply|auto-reply|autoreply|auto reply|out of (the )?office|abwesenheitsnotiz|réponse automatique)\\b.*",
            Pattern.CASE_INSENSITIVE);
    private final Session session;
    private final long maxAttachment;

    /** @param maxAttachment the largest attachment kept, in bytes; bigger ones are named, not kept */
    public MimeReader(long maxAttachment) {
        Properties p = new Properties();
        // be lenient with what others send: a bad encoded-word or a missing boundary is read as well as it can be
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.parameters.strict", "false");
        p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        p.setProperty("mail.mime.base64.ignoreerrors", "false");
        this.session = Session.getInstance(p);
        this.maxAttachment = maxAttachment;
    }

    @Override
    public InboundMail read(byte[] raw, Instant receivedAt) {
        List<String> problems = new ArrayList<>();
        MimeMessage msg;
        try {
            msg = new MimeMessage(session, new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            return unreadable(raw, receivedAt, "headers unreadable: " + e.getMessage());
        }
        String messageId = header(msg, "Message-ID");
        Matcher idm = messageId == null ? null : MSG_ID.matcher(messageId);
        if (idm != null && idm.find()) {
            messageId = idm.group();
        } else {
            if (messageId != null) {
                problems.add("Message-ID '" + messageId + "' has no <...>");
            }
            messageId = madeUpId(raw);
        }
        String from = "";
        String fromName = null;
        String fromHeader = header(msg, "From");
        if (fromHeader != null) {
            try {
                InternetAddress[] a = InternetAddress.parseHeader(fromHeader, false);
                if (a.length > 0 && a[0].getAddress() != null) {
                    from = a[0].getAddress();
                    fromName = a[0].getPersonal();
                }
            } catch (AddressException e) {
                Matcher m = Pattern.compile("[^<>\\s\"]+@[^<>\\s\"]+").matcher(fromHeader);
                if (m.find()) {
                    from = m.group();
                }
                problems.add("From header malformed");
            }
        }
        String subject;
        try {
            subject = msg.getSubject();
        } catch (MessagingException e) {
            subject = header(msg, "Subject");
            problems.add("Subject undecodable");
        }
        Set<String> refs = new LinkedHashSet<>();
        for (String h : new String[] {"References", "In-Reply-To"}) {
            String v = header(msg, h);
            if (v != null) {
                Matcher m = MSG_ID.matcher(v);
                while (m.find()) {
                    refs.add(m.group());
                }
            }
        }
        // In-Reply-To last: it is the message this one answers, the newest of the thread
        String inReplyTo = header(msg, "In-Reply-To");
        List<String> references = new ArrayList<>(refs);
        if (inReplyTo != null) {
            Matcher m = MSG_ID.matcher(inReplyTo);
            if (m.find()) {
                references.remove(m.group());
                references.add(m.group());
            }
        }
        String returnPath = header(msg, "Return-Path");
        if (returnPath != null) {
            returnPath = returnPath.strip();
            if (returnPath.equals("<>") || returnPath.isEmpty()) {
                returnPath = "";
            }
        }
        String other = null;
        for (String h : new String[] {"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation"}) {
            if (header(msg, h) != null) {
                other = h;
            }
        }
        if (other == null && subject != null && AUTO_SUBJECT.matcher(subject.strip()).matches()) {
            other = "subject '" + subject.strip() + "'";
        }
        boolean report = false;
        StringBuilder text = new StringBuilder();
        List<InboundMail.Attachment> attachments = new ArrayList<>();
        try {
            report = msg.isMimeType("multipart/report");
            walk(msg, text, attachments, problems, 0);
        } catch (MessagingException | IOException | RuntimeException e) {
            problems.add("body unreadable: " + e.getMessage());
            if (text.length() == 0) {
                text.append(bodyOf(raw));
            }
        }
        String problem = problems.isEmpty() ? null : String.join("; ", problems);
        return new InboundMail(messageId, from, fromName, subject, references, returnPath, header(msg, "Auto-Submitted"),
                lower(header(msg, "Precedence")), header(msg, "List-Id"), other, report, text.toString().strip(),
                attachments, problem, problem == null ? null : raw, receivedAt);
    }

    private void walk(Part p, StringBuilder text, List<InboundMail.Attachment> attachments, List<String> problems, int depth)
            throws MessagingException, IOException {
        if (depth > 20) {
            problems.add("MIME nested too deep");
            return;
        }
        String disposition = safeDisposition(p);
        String fileName = safeFileName(p);
        if (p.isMimeType("multipart/*") && !Part.ATTACHMENT.equalsIgnoreCase(disposition)) {
            Multipart mp;
            try {
                Object content = p.getContent();
                if (!(content instanceof Multipart m)) {
                    problems.add("multipart without parts");
                    text.append(decode(p, problems));
                    return;
                }
                mp = m;
                mp.getCount();
            } catch (MessagingException | IOException e) {
                problems.add("multipart unreadable (" + e.getMessage() + ")");
                text.append(bodyOfPart(p));
                return;
            }
            if (p.isMimeType("multipart/alternative")) {
                BodyPart best = null;
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart bp = mp.getBodyPart(i);
                    if (bp.isMimeType("text/plain") && best == null) {
                        best = bp;
                    }
                }
                for (int i = 0; i < mp.getCount() && best == null; i++) {
                    BodyPart bp = mp.getBodyPart(i);
                    if (bp.isMimeType("text/html") || bp.isMimeType("multipart/*")) {
                        best = bp;
                    }
                }
                if (best != null) {
                    walk(best, text, attachments, problems, depth + 1);
                }
                return;
            }
            for (int i = 0; i < mp.getCount(); i++) {
                walk(mp.getBodyPart(i), text, attachments, problems, depth + 1);
            }
            return;
        }
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || (fileName != null && !p.isMimeType("text/plain")
                && !p.isMimeType("text/html"));
        if (!attachment && p.isMimeType("text/plain")) {
            separate(text).append(decode(p, problems));
        } else if (!attachment && p.isMimeType("text/html")) {
            separate(text).append(HtmlText.toText(decode(p, problems)));
        } else if (!attachment && (p.isMimeType("message/delivery-status") || p.isMimeType("text/rfc822-headers")
                || p.isMimeType("message/rfc822") || p.isMimeType("message/global"))) {
            // the parts of a bounce that name the returned message: kept as text so its Message-ID can be found
            separate(text).append(new String(readAll(p.getInputStream(), 256 * 1024), StandardCharsets.UTF_8));
        } else if (!attachment && p.isMimeType("text/*")) {
            separate(text).append(decode(p, problems));
        } else {
            String name = fileName == null ? "attachment-" + (attachments.size() + 1) : fileName;
            byte[] content;
            try {
                content = readAll(p.getInputStream(), maxAttachment + 1);
            } catch (IOException e) {
                problems.add("attachment " + name + " undecodable (" + e.getMessage() + ")");
                content = readAll(rawStream(p), maxAttachment + 1);
            }
            if (content.length > maxAttachment) {
                long size = content.length;
                try (InputStream rest = p.getInputStream()) {
                    size = rest.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the size stays "more than the cap"
                }
                attachments.add(new InboundMail.Attachment(name, size, null, "larger than mail.attachment-max-size ("
                        + maxAttachment + " bytes)"));
            } else {
                attachments.add(new InboundMail.Attachment(name, content.length, content, null));
            }
        }
    }

    private static StringBuilder separate(StringBuilder b) {
        if (b.length() > 0) {
            b.append("\n\n");
        }
        return b;
    }

    /** A text part in its declared charset; undeclared or unknown: UTF-8 if it is valid, else Windows-1252. */
    private static String decode(Part p, List<String> problems) throws MessagingException, IOException {
        byte[] bytes;
        try {
            bytes = readAll(p.getInputStream(), 16L * 1024 * 1024);
        } catch (IOException e) {
            problems.add("text part undecodable (" + e.getMessage() + ")");
            bytes = readAll(rawStream(p), 16L * 1024 * 1024);
        }
        String cs = null;
        try {
            cs = new ContentType(p.getContentType()).getParameter("charset");
        } catch (MessagingException | RuntimeException e) {
            problems.add("Content-Type unreadable");
        }
        if (cs != null) {
            try {
                return new String(bytes, Charset.forName(MimeUtility.javaCharset(cs.strip())));
            } catch (RuntimeException e) {
                problems.add("unknown charset '" + cs + "'");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    private static InputStream rawStream(Part p) throws MessagingException {
        if (p instanceof jakarta.mail.internet.MimeBodyPart b) {
            return b.getRawInputStream();
        }
        if (p instanceof MimeMessage m) {
            return m.getRawInputStream();
        }
        throw new MessagingException("no raw content");
    }

    private static String bodyOfPart(Part p) {
        try {
            return new String(readAll(rawStream(p), 16L * 1024 * 1024), StandardCharsets.UTF_8);
        } catch (MessagingException | IOException e) {
            return "";
        }
    }

    private static byte[] readAll(InputStream in, long max) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while (total < max && (n = in.read(buf, 0, (int) Math.min(buf.length, max - total))) > 0) {
                out.write(buf, 0, n);
                total += n;
            }
            return out.toByteArray();
        }
    }

    private static String safeDisposition(Part p) {
        try {
            return p.getDisposition();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static String safeFileName(Part p) {
        try {
            String n = p.getFileName();
            return n == null ? null : MimeUtility.decodeText(n);
        } catch (MessagingException | IOException | RuntimeException e) {
            return null;
        }
    }

    private static String header(MimeMessage m, String name) {
        try {
            String v = m.getHeader(name, ",");
            return v == null ? null : v.strip();
        } catch (MessagingException e) {
            return null;
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** Everything after the header block, as text: the body of a message MIME could not read. */
    private static String bodyOf(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        int i = s.indexOf("\r\n\r\n");
        int j = s.indexOf("\n\n");
        int at = i >= 0 && (j < 0 || i < j) ? i + 4 : j >= 0 ? j + 2 : 0;
        return s.substring(at);
    }

    private InboundMail unreadable(byte[] raw, Instant receivedAt, String problem) {
        return new InboundMail(madeUpId(raw), "", null, "", List.of(), null, null, null, null, null, false, bodyOf(raw),
                List.of(), problem, raw, receivedAt);
    }

    /** For a message without a Message-ID: one made from its bytes, the same on every redelivery. */
    static String madeUpId(byte[] raw) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(raw);
            return "<" + HexFormat.of().formatHex(h, 0, 20) + "@no-message-id.pagerline>";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
