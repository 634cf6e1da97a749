package org.pagerline.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.pagerline.config.MailConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.mail.InboundMail;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;
import org.pagerline.service.intake.EmailIntake;

/**
 * Real SMTP and IMAP servers (GreenMail, in this JVM, on 127.0.0.1 and free ports) with the desk's
 * mailbox help@desk.test, and pagerline's email intake over a fresh H2 file database. Customers'
 * mail is delivered to the mailbox; pagerline's answers land in GreenMail through real SMTP.
 */
public final class MailRig implements AutoCloseable {
    public static final String DESK = "help@desk.test";
    public final GreenMail greenMail;
    public final TestDatabase db;
    public final Transactions tx;
    public final TicketService tickets;
    public final Path attachments;
    private final Path dir;
    private final Map<String, String> extra = new HashMap<>();
    private final Session session = Session.getInstance(new Properties());
    public MailConfig config;
    public EmailIntake intake;
    private AutoCloseable running;

    public MailRig(Path dir) {
        this(dir, false);
    }

    /** @param tls IMAPS and SMTPS (GreenMail's self-signed certificate, trusted through mail.tls-trust) */
    public MailRig(Path dir, boolean tls) {
        this.dir = dir;
        if (tls) {
            serverCertificate(dir.resolve("greenmail-tls.p12"));
        }
        ServerSetup[] setups = tls
                ? new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS), new ServerSetup(0, "127.0.0.1",
                        ServerSetup.PROTOCOL_IMAPS)}
                : new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP), new ServerSetup(0, "127.0.0.1",
                        ServerSetup.PROTOCOL_IMAP)};
        greenMail = new GreenMail(setups);
        greenMail.start();
        greenMail.setUser(DESK, DESK, "desk-secret");
        db = TestDatabase.fileIn(dir.resolve("db"));
        tx = db.transactions();
        tickets = new TicketService(tx, Clock.systemUTC());
        attachments = dir.resolve("attachments");
        this.tls = tls;
        configure(Map.of());
    }

    private final boolean tls;

    /**
     * A key pair for GreenMail's TLS servers whose certificate names 127.0.0.1 (GreenMail's own has
     * no subject alternative name, and pagerline checks the server's identity).
     */
    private static void serverCertificate(Path file) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                    "-alias", "greenmail", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.setProperty("greenmail.tls.keystore.file", file.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
    }

    /** Rebuilds the config (and intake) with these mail.* keys on top of the rig's. */
    public MailRig configure(Map<String, String> keys) {
        extra.putAll(keys);
        Map<String, String> file = new HashMap<>();
        file.put("mail.enabled", "true");
        file.put("mail.address", DESK);
        file.put("mail.name", "Acme IT help desk");
        int imapPort = tls ? greenMail.getImaps().getPort() : greenMail.getImap().getPort();
        int smtpPort = tls ? greenMail.getSmtps().getPort() : greenMail.getSmtp().getPort();
        file.put("mail.imap.host", "127.0.0.1");
        file.put("mail.imap.port", Integer.toString(imapPort));
        file.put("mail.imap.security", tls ? "tls" : "none");
        file.put("mail.smtp.host", "127.0.0.1");
        file.put("mail.smtp.port", Integer.toString(smtpPort));
        file.put("mail.smtp.security", tls ? "tls" : "none");
        file.put("mail.tls-trust", tls ? "127.0.0.1" : "");
        file.put("mail.poll-interval", "1s");
        file.put("mail.timeout", "10s");
        file.put("mail.attachments-dir", attachments.toString());
        file.put("data.dir", dir.resolve("data").toString());
        file.putAll(extra);
        Map<String, String> env = Map.of("PAGERLINE_MAIL_IMAP_PASSWORD", "desk-secret", "PAGERLINE_MAIL_SMTP_PASSWORD", "desk-secret");
        config = MailConfig.from(new Settings(file, env));
        intake = new EmailIntake(tx, tickets, new org.pagerline.adapter.mail.FileAttachments(config.attachmentsDir()),
                new org.pagerline.adapter.mail.MimeReader(config.attachmentMaxBytes()), Clock.systemUTC(),
                new EmailIntake.Settings(config.address(), config.name(), config.messageIdDomain(), Duration.ofHours(6), config.replyCap(),
                        config.replyCapWindow(), config.tellStateChanges(), config.requestKeptFor(), config.phoneRegion()));
        return this;
    }

    /** Starts pagerline's mail (reader, sender) as the server does; {@code beforeCommit} may throw to simulate a crash. */
    public void start(Consumer<InboundMail> beforeCommit) {
        start(beforeCommit, n -> {});
    }

    /** As {@link #start(Consumer)}, telling {@code fetchToCommit} each message's nanoseconds from fetch to commit. */
    public void start(Consumer<InboundMail> beforeCommit, java.util.function.LongConsumer fetchToCommit) {
        running = org.pagerline.adapter.mail.MailTestAccess.runner(config, intake, tx, beforeCommit, fetchToCommit);
        // the first connection marks what was already in the mailbox as old: wait for it
        Eventually.await(Duration.ofSeconds(20), "pagerline connected to the mailbox", this::isUp);
    }

    public void start() {
        start(m -> {});
    }

    /** Stops pagerline's mail (the servers stay). */
    public void stop() {
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            running = null;
        }
    }

    /** Whether pagerline's mail says it is up (what /health shows). */
    public boolean isUp() {
        return running != null && org.pagerline.adapter.mail.MailTestAccess.up(running);
    }

    /** The outcome and flags intake recorded for the message with this subject. */
    public String[] outcomeOf(String subject) {
        try (var c = db.database().dataSource().getConnection();
                var ps = c.prepareStatement("SELECT outcome, flags FROM mail_messages WHERE subject=? AND direction='IN'")) {
            ps.setString(1, subject);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : new String[] {null, null};
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Puts a message (RFC 5322 text, CRLF or LF) into the desk's mailbox, as the mail server would. */
    public void deliver(String raw) {
        deliver(raw.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void deliver(byte[] raw) {
        try {
            MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw));
            greenMail.getUserManager().getUser(DESK).deliver(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What pagerline has sent to this address so far (over real SMTP). */
    public List<MimeMessage> sentTo(String address) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getRecipients(Message.RecipientType.TO) != null && Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                        .anyMatch(a -> a.toString().toLowerCase().contains(address.toLowerCase()));
            } catch (MessagingException e) {
                return false;
            }
        }).toList();
    }

    public static String body(MimeMessage m) {
        try {
            Object c = m.getContent();
            return (c instanceof String s ? s : String.valueOf(c)).replace("\r\n", "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String header(MimeMessage m, String name) {
        try {
            return m.getHeader(name, ",");
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        greenMail.stop();
        db.close();
    }
}
