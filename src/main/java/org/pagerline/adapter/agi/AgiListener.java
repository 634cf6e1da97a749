package org.pagerline.adapter.agi;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import org.asteriskjava.util.ServerSocketFacade;
import org.pagerline.config.AgiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI listener Asterisk connects to. Scripts are named by the AGI URL path
 * ({@code agi://host/support-line} runs the script mapped to "support-line"). asterisk-java
 * serves each live call on its own pool thread; the pool's ceiling is {@code agi.max-calls}.
 */
public final class AgiListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgiListener.class);
    private final Server server;
    private final AgiConfig config;
    private Thread thread;

    public AgiListener(AgiConfig config, Map<String, AgiScript> scripts) {
        this.config = config;
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        mapping.setMappings(Map.copyOf(scripts));
        server = new Server(mapping);
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

    @Override
    public void close() {
        if (server.up) {
            server.up = false;
            try {
                server.shutdown();
            } catch (RuntimeException e) {
                log.warn("FastAGI listener did not stop cleanly: {}", e.getMessage());
            }
        }
    }

    /** Tells us when the socket is bound; asterisk-java offers no other signal. */
    private static final class Server extends DefaultAgiServer {
        final CountDownLatch bound = new CountDownLatch(1);
        volatile boolean up;
        volatile Exception failure;

        Server(SimpleMappingStrategy mapping) {
            super(mapping);
        }

        @Override
        protected ServerSocketFacade createServerSocket() throws IOException {
            ServerSocketFacade s = super.createServerSocket();
            up = true;
            bound.countDown();
            return s;
        }
    }
}
