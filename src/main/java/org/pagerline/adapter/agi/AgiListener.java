package org.pagerline.adapter.agi;

import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import org.asteriskjava.util.ServerSocketFacade;
import org.asteriskjava.util.SocketConnectionFacade;
import org.pagerline.config.AgiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI listener Asterisk connects to. Scripts are named by the AGI URL path
 * ({@code agi://host/support-line} runs the script mapped to "support-line"). asterisk-java
 * serves each live call on its own pool thread; the pool's ceiling is {@code agi.max-calls}. Every
 * script first marks the channel as reached ({@link NodeMark}): what the dialplan's failover to the
 * next node reads.
 */
public final class AgiListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgiListener.class);
    private final Server server;
    private final AgiConfig config;
    private final SilenceWatchdog watchdog;
    private Thread thread;

    public AgiListener(AgiConfig config, Map<String, AgiScript> scripts) {
        this.config = config;
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        Map<String, AgiScript> marked = new HashMap<>();
        scripts.forEach((name, script) -> marked.put(name, new NodeMark(script)));
        mapping.setMappings(Map.copyOf(marked));
        watchdog = new SilenceWatchdog(config.environmentTimeout(), config.replyTimeout());
        server = new Server(mapping, config, watchdog);
        try {
            server.setAddress(InetAddress.getByName(config.bind()));
        } catch (IOException e) {
            throw new IllegalArgumentException("agi.bind: cannot resolve '" + config.bind() + "'", e);
        }
        server.setPort(config.port());
        server.setPoolSize(Math.min(20, config.maxCalls()));
        server.setMaximumPoolSize(config.maxCalls());
    }

    /** Binds and starts accepting; returns once the socket is bound, or throws why not. */
    public void start() {
        thread = new Thread(() -> {
            try {
                server.startup();
            } catch (IOException | RuntimeException e) {
                server.failure = e;
                server.bound.countDown();
            }
        }, "agi-accept");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!server.bound.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("FastAGI listener did not bind within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the FastAGI listener", e);
        }
        if (server.failure instanceof java.net.BindException) {
            throw new org.pagerline.config.ConfigException("agi.port", "cannot listen on " + config.bind() + ":"
                    + config.port() + " (" + server.failure.getMessage() + ")");
        }
        if (server.failure != null) {
            throw new IllegalStateException("cannot listen for FastAGI on " + config.bind() + ":" + config.port() + ": "
                    + server.failure.getMessage(), server.failure);
        }
        log.info("FastAGI listening on {}:{} (up to {} concurrent calls)", config.bind(), config.port(), config.maxCalls());
    }

    public boolean isUp() {
        return server.up && thread != null && thread.isAlive();
    }

    /** Calls being served right now. */
    public int activeCalls() {
        return server.getPoolActiveTaskCount();
    }

    /**
     * Stops accepting calls, then waits up to {@code agi.drain-time} for the live ones to finish
     * (a caller mid-message keeps their message), so the database is still there for them; calls
     * still live after that are logged and left to the dialplan's fallback.
     */
    @Override
    public void close() {
        if (server.up) {
            server.up = false;
            try {
                server.shutdown();
            } catch (RuntimeException e) {
                log.warn("FastAGI listener did not stop cleanly: {}", e.getMessage());
            }
            drain();
        }
        watchdog.close();
    }

    private void drain() {
        ThreadPoolExecutor pool = server.pool;
        if (pool == null) {
            return;
        }
        int live = pool.getActiveCount();
        if (live > 0) {
            log.info("waiting up to {} s for {} live call(s) to finish", config.drainTime().toSeconds(), live);
        }
        try {
            if (!pool.awaitTermination(config.drainTime().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} call(s) still live after {} s; stopping without them", pool.getActiveCount(),
                        config.drainTime().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells us when the socket is bound; asterisk-java offers no other signal. */
    private static final class Server extends DefaultAgiServer {
        final CountDownLatch bound = new CountDownLatch(1);
        final AgiConfig config;
        final SilenceWatchdog watchdog;
        volatile boolean up;
        volatile Exception failure;
        volatile ThreadPoolExecutor pool;

        Server(SimpleMappingStrategy mapping, AgiConfig config, SilenceWatchdog watchdog) {
            super(mapping);
            this.config = config;
            this.watchdog = watchdog;
        }

        /**
         * Connections of our own ({@link AgiSocket}): small buffers, and no socket read timeout.
         * The JDK reads a socket that has a timeout (asterisk-java sets 3 hours) by a non-blocking
         * read, a poll and a second read, three system calls for each reply; one that has none
         * by a single blocking read. Silences are the watchdog's to end.
         */
        @Override
        protected ServerSocketFacade createServerSocket() throws IOException {
            ServerSocketFacade s = new AllowedPeersOnly(new AgiSocket.Server(getAddress(), config.port()), config,
                    watchdog);
            up = true;
            bound.countDown();
            return s;
        }

        @Override
        protected ThreadPoolExecutor createPool() {
            ThreadPoolExecutor p = super.createPool();
            pool = p;
            return p;
        }
    }

    /**
     * Hands asterisk-java only connections from agi.allow: any other peer is closed at once,
     * before a byte is read or a script runs. FastAGI has no authentication of its own. Those
     * allowed in are watched by the {@link SilenceWatchdog}.
     */
    private static final class AllowedPeersOnly implements ServerSocketFacade {
        private final ServerSocketFacade inner;
        private final AgiConfig config;
        private final SilenceWatchdog watchdog;

        AllowedPeersOnly(ServerSocketFacade inner, AgiConfig config, SilenceWatchdog watchdog) {
            this.inner = inner;
            this.config = config;
            this.watchdog = watchdog;
        }

        @Override
        public SocketConnectionFacade accept() throws IOException {
            while (true) {
                SocketConnectionFacade c = inner.accept();
                InetAddress peer = c.getRemoteAddress();
                if (config.allows(peer)) {
                    return watchdog.watch(c);
                }
                log.warn("FastAGI connection from {} refused: not in agi.allow {}", peer, config.allow());
                try {
                    c.close();
                } catch (IOException e) {
                    log.debug("closing a refused FastAGI connection failed: {}", e.getMessage());
                }
            }
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }

        @Override
        public void setSocketReadTimeout(int timeout) {
            inner.setSocketReadTimeout(timeout);
        }
    }
}
