package org.pagerline.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Email intake (issue 11): IMAP in (IDLE, polling fallback), SMTP out. Off by default
 * ({@code mail.enabled=false}); {@code pagerline simulate email} works either way. Passwords come
 * from the environment only (PAGERLINE_MAIL_IMAP_PASSWORD, PAGERLINE_MAIL_SMTP_PASSWORD) and never
 * appear in {@link #toString()}.
 *
 * @param tlsTrust hosts whose certificate is trusted without a CA chain (space-separated; a
 *                 self-signed test server); empty: the JVM's trust store only
 * @param attachmentsDir where attachments and raw copies of malformed messages are kept
 * @param replyCap at most this many automatic answers to one sender per {@code replyCapWindow}
 */
public record MailConfig(boolean enabled, String address, String name, String messageIdDomain,
        Server imap, String folder, Server smtp, String tlsTrust, boolean idle, Duration pollInterval, Duration timeout,
        Path attachmentsDir, long attachmentMaxBytes, int replyCap, Duration replyCapWindow, boolean tellStateChanges,
        Duration requestKeptFor, String phoneRegion) {

    /** How a connection is protected: TLS from the first byte, STARTTLS (required), or none (loopback only). */
    public enum Security { TLS, STARTTLS, NONE }

    /** One mail server; {@code password} is a secret (environment only), null when not set. */
    public record Server(String host, int port, Security security, String username, String password) {
        @Override
        public String toString() {
            return host + ":" + port + " (" + security.name().toLowerCase(Locale.ROOT) + ", user " + username
                    + (password == null ? ", no password" : ", password ***") + ")";
        }
    }

    public static MailConfig from(Settings s) {
        boolean enabled = s.bool("mail.enabled", false);
        Optional<String> address = s.raw("mail.address");
        String name = s.string("mail.name", "Help desk");
        Optional<String> domain = s.raw("mail.message-id-domain");
        Server imap = server(s, "imap", Security.TLS);
        String folder = s.string("mail.imap.folder", "INBOX");
        Server smtp = server(s, "smtp", Security.TLS);
        String trust = s.string("mail.tls-trust", "");
        boolean idle = s.bool("mail.idle", true);
        Duration poll = s.duration("mail.poll-interval", Duration.ofSeconds(60));
        Duration timeout = s.duration("mail.timeout", Duration.ofSeconds(30));
        Path dir = s.raw("mail.attachments-dir").map(Path::of).orElse(DatabaseConfig.dataDir(s).resolve("attachments"));
        long max = size(s, "mail.attachment-max-size", 10L * 1024 * 1024);
        int cap = s.integer("mail.reply-cap", 5, 1, 1000);
        Duration capWindow = s.duration("mail.reply-cap-window", Duration.ofHours(24));
        boolean tell = s.bool("mail.tell-state-changes", true);
        Duration kept = s.duration("mail.request-kept-for", Duration.ofDays(7));
        String region = s.string("mail.phone-region", "CA").toUpperCase(Locale.ROOT);
        if (!region.matches("[A-Z]{2}")) {
            throw new ConfigException("mail.phone-region", "'" + region + "' is not a two-letter country code such as CA");
        }
        if (poll.compareTo(Duration.ofSeconds(1)) < 0 || poll.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("mail.poll-interval", poll + " is out of range (1s to 1h)");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException("mail.timeout", timeout + " is out of range (1s to 10m)");
        }
        if (capWindow.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ConfigException("mail.reply-cap-window", capWindow + " is too short (at least 1m)");
        }
        String addr = address.orElse("helpdesk@pagerline.invalid").toLowerCase(Locale.ROOT);
        if (!addr.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ConfigException("mail.address", "'" + addr + "' is not an email address such as help@example.com");
        }
        String idDomain = domain.orElse(addr.substring(addr.indexOf('@') + 1));
        if (!idDomain.matches("[A-Za-z0-9.\\-]+")) {
            throw new ConfigException("mail.message-id-domain", "'" + idDomain + "' is not a domain name");
        }
        if (enabled) {
            if (address.isEmpty()) {
                throw new ConfigException("mail.address", "is missing (the desk's address: mail is read from and sent as it)");
            }
            check(imap, "imap");
            check(smtp, "smtp");
        }
        return new MailConfig(enabled, addr, name, idDomain, imap, folder, smtp, trust, idle, poll, timeout, dir, max, cap,
                capWindow, tell, kept, region);
    }

    private static Server server(Settings s, String which, Security dflt) {
        String p = "mail." + which + ".";
        String host = s.string(p + "host", "");
        Security sec = s.choice(p + "security", Security.class, dflt);
        int dfltPort = which.equals("imap") ? (sec == Security.TLS ? 993 : 143) : (sec == Security.TLS ? 465 : sec == Security.STARTTLS ? 587 : 25);
        int port = s.port(p + "port", dfltPort);
        String user = s.string(p + "username", s.string("mail.address", ""));
        String password = s.secret(p + "password").orElse(null);
        return new Server(host, port, sec, user, password);
    }

    private static void check(Server server, String which) {
        String p = "mail." + which + ".";
        if (server.host().isEmpty()) {
            throw new ConfigException(p + "host", "is missing (mail.enabled=true needs the " + which.toUpperCase(Locale.ROOT) + " server)");
        }
        if (server.port() == 0) {
            throw new ConfigException(p + "port", "must be 1 to 65535");
        }
        if (server.security() == Security.NONE && !loopback(server.host())) {
            throw new ConfigException(p + "security", "none sends the password in clear: only allowed to a loopback host, not "
                    + server.host() + " (use tls or starttls)");
        }
        if (which.equals("imap") && server.password() == null) {
            throw new ConfigException(p + "password", "is missing: set the environment variable "
                    + Settings.envName(p + "password"));
        }
    }

    private static boolean loopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return host.matches("[0-9.:\\[\\]a-fA-F]+") && InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A size: bytes, or a number with k, m or g (KB/MB/GB, powers of 1024). */
    private static long size(Settings s, String key, long dflt) {
        Optional<String> v = s.raw(key);
        if (v.isEmpty()) {
            return dflt;
        }
        String t = v.get().trim().toLowerCase(Locale.ROOT).replace("b", "");
        long mult = 1;
        if (t.endsWith("k")) {
            mult = 1024;
        } else if (t.endsWith("m")) {
            mult = 1024 * 1024;
        } else if (t.endsWith("g")) {
            mult = 1024L * 1024 * 1024;
        }
        String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(digits.trim()) * mult;
            if (n < 1 || n > 1024L * 1024 * 1024) {
                throw new ConfigException(key, v.get() + " is out of range (1 byte to 1g)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + v.get() + "' is not a size such as 10m, 500k or 2000000");
        }
    }

    @Override
    public String toString() {
        return "MailConfig[" + (enabled ? "on" : "off") + ", address=" + address + ", imap=" + imap + ", folder=" + folder
                + ", smtp=" + smtp + ", idle=" + idle + ", poll=" + pollInterval + "]";
    }
}
