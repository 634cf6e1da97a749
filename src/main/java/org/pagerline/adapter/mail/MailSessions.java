package org.pagerline.adapter.mail;

import jakarta.mail.Session;
import java.util.Properties;
import org.pagerline.config.MailConfig;

/** Jakarta Mail sessions for the configured servers: TLS as configured, timeouts on every socket. */
final class MailSessions {
    private MailSessions() {}

    /** The protocol name Angus uses: imaps/smtps for TLS from the first byte. */
    static String protocol(String base, MailConfig.Server s) {
        return s.security() == MailConfig.Security.TLS ? base + "s" : base;
    }

    static Session session(MailConfig c, String base, MailConfig.Server s) {
        String proto = protocol(base, s);
        Properties p = new Properties();
        String k = "mail." + proto + ".";
        long ms = c.timeout().toMillis();
        p.setProperty(k + "host", s.host());
        p.setProperty(k + "port", Integer.toString(s.port()));
        p.setProperty(k + "connectiontimeout", Long.toString(ms));
        p.setProperty(k + "timeout", Long.toString(ms));
        p.setProperty(k + "writetimeout", Long.toString(ms));
        if (s.security() == MailConfig.Security.STARTTLS) {
            p.setProperty(k + "starttls.enable", "true");
            p.setProperty(k + "starttls.required", "true");
        }
        if (s.security() != MailConfig.Security.NONE) {
            p.setProperty(k + "ssl.checkserveridentity", "true");
            if (!c.tlsTrust().isBlank()) {
                p.setProperty(k + "ssl.trust", c.tlsTrust());
            }
        }
        if (base.equals("smtp")) {
            p.setProperty(k + "auth", Boolean.toString(s.password() != null));
            p.setProperty(k + "from", c.address());
        }
        if (base.equals("imap")) {
            p.setProperty(k + "peek", "true");
        }
        p.setProperty("mail.mime.charset", "UTF-8");
        return Session.getInstance(p);
    }
}
