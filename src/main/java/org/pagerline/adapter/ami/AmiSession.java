package org.pagerline.adapter.ami;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.EventGeneratingAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.pagerline.config.AmiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMI login to Asterisk, kept alive in the background. pagerline never waits for it: when
 * Asterisk is down at start, or the link drops, the session retries with back-off
 * ({@code ami.reconnect-interval}, doubling up to {@code ami.reconnect-max}) while everything
 * else goes on.
 *
 * <p>Threads: asterisk-java delivers every event on its one reader thread, which must not block.
 * This session only queues each event onto its own single "ami-worker" thread; connecting,
 * listener callbacks and periodic work all run there, in order. Each attempt uses a fresh
 * {@link ManagerConnection}; asterisk-java's built-in reconnect loop is stopped on a drop so
 * exactly one loop (this one) reconnects.
 */
public final class AmiSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AmiSession.class);

    /** What hears about the link. Every callback runs on the ami-worker thread. */
    public interface Listener {
        /** Logged in (first time or after a reconnect). */
        default void onConnected() {}

        /** The first attempt failed, or an established link was lost. */
        default void onDisconnected() {}

        default void onEvent(ManagerEvent event) {}
    }

    /** Makes a new, not yet logged-in connection. Tests may point it anywhere. */
    @FunctionalInterface
    public interface Connector {
        ManagerConnection create();
    }

    private final AmiConfig config;
    private final Connector connector;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService worker;
    private volatile ManagerConnection current;
    private volatile boolean closed;
    private Duration nextDelay;
    /** What the listeners were last told (set on the ami-worker); {@link #isUp} answers the same. */
    private volatile Boolean reportedUp;
    private int failures;

    public AmiSession(AmiConfig config) {
        this(config, () -> new ManagerConnectionFactory(config.host(), config.port(), config.username(),
                config.password()).createManagerConnection());
    }

    public AmiSession(AmiConfig config, Connector connector) {
        this.config = config;
        this.connector = connector;
        this.nextDelay = config.reconnectInterval();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ami-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Starts connecting in the background; returns at once. */
    public void start() {
        submit(this::attempt);
    }

    /**
     * True while logged in, as the listeners were last told: a link that drops reads as down only
     * once the ami-worker has handled the drop (so whoever sees "down" also sees its effects, such
     * as the pending paging calls marked as placed on a lost link). For /health.
     */
    public boolean isUp() {
        ManagerConnection c = current;
        return !closed && c != null && Boolean.TRUE.equals(reportedUp);
    }

    /** Runs work on the ami-worker thread (after any events already queued). */
    public void submit(Runnable work) {
        try {
            worker.execute(() -> guarded(work));
        } catch (RejectedExecutionException e) {
            log.debug("AMI session closed; work dropped");
        }
    }

    /** Runs work on the ami-worker thread every {@code interval}. */
    public ScheduledFuture<?> every(Duration interval, Runnable work) {
        long ms = interval.toMillis();
        return worker.scheduleWithFixedDelay(() -> guarded(work), ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Sends one action and waits up to {@code ami.action-timeout} for the response. */
    public ManagerResponse send(ManagerAction action) throws AmiException {
        ManagerConnection c = requireUp();
        try {
            return c.sendAction(action, config.actionTimeout().toMillis());
        } catch (Exception e) {
            throw new AmiException(action.getAction() + " failed: " + e.getMessage(), e);
        }
    }

    /** Sends an action that answers with a list of events (QueueStatus) and waits for the whole list. */
    public ResponseEvents sendForEvents(EventGeneratingAction action) throws AmiException {
        ManagerConnection c = requireUp();
        try {
            return c.sendEventGeneratingAction(action, config.actionTimeout().toMillis());
        } catch (Exception e) {
            throw new AmiException(action.getAction() + " failed: " + e.getMessage(), e);
        }
    }

    private ManagerConnection requireUp() throws AmiException {
        ManagerConnection c = current;
        if (c == null || closed || c.getState() != ManagerConnectionState.CONNECTED) {
            throw new AmiException("AMI is not connected", null);
        }
        return c;
    }

    private void attempt() {
        if (closed || current != null) {
            return;
        }
        ManagerConnection c = connector.create();
        c.addEventListener(event -> onReaderThread(c, event));
        try {
            c.login();
        } catch (Exception e) {
            failures++;
            // the first failure and every tenth after it: a down PBX must not flood the log
            if (failures == 1 || failures % 10 == 0) {
                log.warn("AMI login to {}:{} failed ({}); retrying in {} ms (try {})", config.host(), config.port(),
                        e.getMessage(), nextDelay.toMillis(), failures);
            }
            stopQuietly(c);
            report(false);
            retryLater();
            return;
        }
        current = c;
        failures = 0;
        nextDelay = config.reconnectInterval();
        log.info("AMI connected to {}:{} as {}", config.host(), config.port(), config.username());
        report(true);
    }

    /** asterisk-java's reader thread: hand over and return at once. */
    private void onReaderThread(ManagerConnection c, ManagerEvent event) {
        submit(() -> onEvent(c, event));
    }

    private void onEvent(ManagerConnection c, ManagerEvent event) {
        if (c != current) {
            return; // a late event from a connection we gave up on
        }
        if (event instanceof DisconnectEvent) {
            log.warn("AMI link to {}:{} lost; reconnecting", config.host(), config.port());
            current = null;
            stopQuietly(c);
            report(false);
            retryLater();
            return;
        }
        for (Listener l : listeners) {
            guarded(() -> l.onEvent(event));
        }
    }

    private void report(boolean up) {
        if (reportedUp != null && reportedUp == up) {
            return;
        }
        reportedUp = up;
        for (Listener l : listeners) {
            guarded(up ? l::onConnected : l::onDisconnected);
        }
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long ms = nextDelay.toMillis();
        Duration doubled = nextDelay.multipliedBy(2);
        nextDelay = doubled.compareTo(config.reconnectMax()) > 0 ? config.reconnectMax() : doubled;
        try {
            worker.schedule(() -> guarded(this::attempt), ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("AMI session closed; no reconnect");
        }
    }

    /** Logs off (which also ends asterisk-java's own reconnect loop); ignores a connection already gone. */
    private static void stopQuietly(ManagerConnection c) {
        try {
            ManagerConnectionState s = c.getState();
            if (s == ManagerConnectionState.CONNECTED || s == ManagerConnectionState.RECONNECTING) {
                c.logoff();
            }
        } catch (RuntimeException e) {
            log.debug("AMI logoff: {}", e.getMessage());
        }
    }

    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("AMI work failed: {}", e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        ManagerConnection c = current;
        current = null;
        worker.shutdownNow();
        if (c != null) {
            stopQuietly(c);
        }
    }
}
