package org.pagerline.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The FastAGI listener Asterisk connects to. asterisk-java runs one thread per live call and
 * refuses calls beyond {@code agi.max-calls}; its own default of 500 is raised here.
 *
 * @param allow     peers allowed to run scripts (agi.allow): FastAGI has no authentication, so
 *                  anyone who can connect could otherwise open tickets and page the on-call staff.
 *                  Default loopback only; required when agi.bind is not a loopback address
 * @param drainTime on shutdown, how long live calls may go on before the database closes (agi.drain-time)
 * @param environmentTimeout a connection that has not sent its whole agi_ environment within this
 *                  is closed (agi.environment-timeout): idle or half-sent sockets would each hold
 *                  a thread and a place under agi.max-calls for ever
 * @param replyTimeout a connection silent this long after a command is closed (agi.reply-timeout):
 *                  longer than the longest prompt; RECORD FILE, GET DATA and WAIT FOR DIGIT get their
 *                  own limit on top, EXEC (Dial, Queue) none
 */
public record AgiConfig(String bind, int port, int maxCalls, List<Cidr> allow, Duration drainTime,
        Duration environmentTimeout, Duration replyTimeout) {

    /** Loopback only (127.0.0.0/8 and ::1), 10 s drain: for tests and tools that bind 127.0.0.1. */
    public AgiConfig(String bind, int port, int maxCalls) {
        this(bind, port, maxCalls, LOOPBACK, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    public static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));

    public static AgiConfig from(Settings s) {
        String bind = s.string("agi.bind", "127.0.0.1");
        List<Cidr> allow = new ArrayList<>();
        for (String part : s.string("agi.allow", "").split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                allow.add(Cidr.parse(part.trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("agi.allow", e.getMessage());
            }
        }
        if (allow.isEmpty()) {
            if (!loopback(bind)) {
                throw new ConfigException("agi.allow", "must list the Asterisk hosts (IPs or CIDRs) allowed to connect"
                        + " when agi.bind (" + bind + ") is not a loopback address: FastAGI has no password");
            }
            allow = LOOPBACK;
        }
        Duration drain = s.duration("agi.drain-time", Duration.ofSeconds(10));
        if (drain.isNegative() || drain.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new ConfigException("agi.drain-time", drain + " is out of range (0 to 10 minutes)");
        }
        Duration environment = s.duration("agi.environment-timeout", Duration.ofSeconds(5));
        if (environment.compareTo(Duration.ofMillis(100)) < 0 || environment.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException("agi.environment-timeout", environment + " is out of range (100ms to 1m)");
        }
        Duration reply = s.duration("agi.reply-timeout", Duration.ofMinutes(10));
        if (reply.compareTo(Duration.ofMillis(100)) < 0 || reply.compareTo(Duration.ofHours(24)) > 0) {
            throw new ConfigException("agi.reply-timeout", reply + " is out of range (100ms to 24h)");
        }
        return new AgiConfig(bind, s.port("agi.port", 4573), s.integer("agi.max-calls", 2000, 1, 100_000),
                List.copyOf(allow), drain, environment, reply);
    }

    /** True if {@code peer} may run scripts. */
    public boolean allows(InetAddress peer) {
        return peer != null && allow.stream().anyMatch(c -> c.contains(peer));
    }

    private static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An address block: "10.0.0.5", "10.0.0.0/24", "::1", "fd00::/8". Literal addresses only (no DNS). */
    public record Cidr(byte[] network, int prefix, String text) {
        public static Cidr parse(String text) {
            String t = text.trim();
            int slash = t.indexOf('/');
            String addr = slash < 0 ? t : t.substring(0, slash);
            if (!addr.matches("[0-9A-Fa-f:.]+") || !(addr.contains(".") || addr.contains(":"))) {
                throw new IllegalArgumentException("'" + t + "' is not an IP address or CIDR block (e.g. 10.0.0.5, 10.0.0.0/24)");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + t + "' is not an IP address");
            }
            int max = bytes.length * 8;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(t.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > max) {
                    throw new IllegalArgumentException("'" + t + "' has a bad prefix length (0 to " + max + ")");
                }
            }
            return new Cidr(bytes, prefix, t);
        }

        public boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (b[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
