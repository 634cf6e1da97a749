package org.pagerline.config;

import java.time.Duration;

/**
 * The HTTP listener (health, webhooks). Loopback unless configured otherwise.
 *
 * @param headerTimeout        a connection must have sent its whole first request (and any request body, after
 *                             its headers) within this
 *                             (http.header-timeout): a client that sends a byte and stops is dropped
 * @param idleTimeout          a connection with nothing to read or write for this long is closed
 *                             (http.idle-timeout), also between requests of a keep-alive connection
 * @param maxConnectionsPerAddress open connections one client address may hold; more are closed at once
 *                             (http.max-connections-per-address). Behind a reverse proxy every request
 *                             comes from the proxy: raise it to the proxy's own connection pool
 * @param threads              request threads (http.threads); waiting connections hold none
 */
public record HttpConfig(String bind, int port, Duration headerTimeout, Duration idleTimeout,
        int maxConnectionsPerAddress, int threads) {

    /** Defaults for everything but the address: for tests. */
    public HttpConfig(String bind, int port) {
        this(bind, port, Duration.ofSeconds(10), Duration.ofSeconds(30), 64, 16);
    }

    public static HttpConfig from(Settings s) {
        Duration header = s.duration("http.header-timeout", Duration.ofSeconds(10));
        if (header.compareTo(Duration.ofMillis(100)) < 0 || header.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException("http.header-timeout", header + " is out of range (100ms to 5m)");
        }
        Duration idle = s.duration("http.idle-timeout", Duration.ofSeconds(30));
        if (idle.compareTo(Duration.ofMillis(100)) < 0 || idle.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("http.idle-timeout", idle + " is out of range (100ms to 1h)");
        }
        return new HttpConfig(s.string("http.bind", "127.0.0.1"), s.port("http.port", 8080), header, idle,
                s.integer("http.max-connections-per-address", 64, 1, 100_000), s.integer("http.threads", 16, 4, 1000));
    }
}
