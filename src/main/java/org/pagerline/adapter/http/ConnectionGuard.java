package org.pagerline.adapter.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every connection of the HTTP connector: one that has not sent a whole request within
 * the header timeout is closed (a client that sends a byte and stops, or trickles its headers),
 * and so is any connection beyond the limit per client address, at once. Jetty's idle timeout
 * covers the rest (a quiet kept-alive connection). Closing costs a debug line, so a flood of
 * connections cannot flood the log.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private final long headerTimeoutMs;
    private final int perAddress;
    private final Scheduler scheduler;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Connection, String> addresses = new ConcurrentHashMap<>();

    ConnectionGuard(Duration headerTimeout, int perAddress, Scheduler scheduler) {
        this.headerTimeoutMs = headerTimeout.toMillis();
        this.perAddress = perAddress;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection c) {
        EndPoint ep = c.getEndPoint();
        String address = address(ep.getRemoteSocketAddress());
        addresses.put(c, address);
        int now = open.merge(address, 1, Integer::sum);
        if (now > perAddress) {
            log.debug("HTTP connection from {} closed: {} open from that address (http.max-connections-per-address {})",
                    address, now, perAddress);
            ep.close();
            return;
        }
        scheduler.schedule(() -> {
            if (ep.isOpen() && c.getMessagesIn() == 0) {
                log.debug("HTTP connection from {} closed: no whole request within {} ms (http.header-timeout)", address,
                        headerTimeoutMs);
                ep.close();
            }
        }, headerTimeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection c) {
        String address = addresses.remove(c);
        if (address == null) {
            return;
        }
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Open connections from this address now (for tests and metrics). */
    int openFrom(String address) {
        return open.getOrDefault(address, 0);
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }
}
