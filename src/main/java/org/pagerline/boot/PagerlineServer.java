package org.pagerline.boot;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.pagerline.adapter.admin.AdminEndpoint;
import org.pagerline.adapter.agi.AgiListener;
import org.pagerline.adapter.ami.AmiSession;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.service.EscalationEngine;
import org.pagerline.service.TicketClockEngine;
import org.pagerline.service.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server. Binds the listeners first (FastAGI, then HTTP), so a port in use stops the
 * start before the scheduler touches the shared database; then starts the scheduler. Stops with
 * the listeners first (so no new call or webhook arrives while the engine and database close),
 * then AMI, the scheduler, the engine and last the database.
 */
final class PagerlineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PagerlineServer.class);
    private final Wiring.Data data;
    private final EscalationEngine engine;
    /** The tickets' service-level clocks (warnings, breaches, the automatic close). */
    private final TicketClockEngine ticketClocks;
    private final QuartzScheduler scheduler;
    private final AgiListener agi;
    private final HttpEndpoint http;
    /** Null when ami.enabled is false. */
    private final AmiSession ami;
    private final AdminEndpoint admin;
    /** Email intake and the mail outbox (set by the wiring); null in servers built without it. */
    private volatile org.pagerline.adapter.mail.MailRunner mail;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    /** Set once every part has started: a start that fails stops quietly. */
    private volatile boolean up;
    private ServerMark mark;
    private NodeHeartbeat heartbeat;
    private AutoCloseable metrics;
    /** Null unless the database is an H2 file. */
    private java.nio.file.Path markFile;

    PagerlineServer(Wiring.Data data, EscalationEngine engine, TicketClockEngine ticketClocks, QuartzScheduler scheduler,
            AgiListener agi, HttpEndpoint http, AmiSession ami, AdminEndpoint admin) {
        this.ticketClocks = ticketClocks;
        this.ami = ami;
        this.admin = admin;
        this.data = data;
        this.engine = engine;
        this.scheduler = scheduler;
        this.agi = agi;
        this.http = http;
    }

    /** Wiring only: this node's beat and its look for silent nodes (set by the wiring; null in servers built without it). */
    PagerlineServer withHeartbeat(NodeHeartbeat beat) {
        this.heartbeat = beat;
        return this;
    }

    PagerlineServer withMail(org.pagerline.adapter.mail.MailRunner runner) {
        this.mail = runner;
        return this;
    }

    /** Wiring only: the mark written beside an H2 database file while this server runs (none for PostgreSQL). */
    PagerlineServer markedAs(ServerMark mark, java.nio.file.Path markFile) {
        this.mark = mark;
        this.markFile = markFile;
        return this;
    }

    /** Wiring only: the fallback's folder, read at the start for messages nobody took (none: not read). */
    PagerlineServer withFallbackFolder(org.pagerline.adapter.agi.FallbackFolder folder) {
        this.fallbackFolder = folder;
        return this;
    }

    private org.pagerline.adapter.agi.FallbackFolder fallbackFolder;

    /** Wiring only: the metrics registry, closed last (its JVM listeners would outlive the server). */
    PagerlineServer withMetrics(AutoCloseable metrics) {
        this.metrics = metrics;
        return this;
    }

    PagerlineServer start() {
        try {
            // calls a killed server left live end as cut off before new ones come in
            data.services().calls().endCallsLeftLive();
        } catch (RuntimeException e) {
            log.warn("could not end the calls a stopped server left live: {}", e.toString());
        }
        if (fallbackFolder != null) {
            // their callers' messages the fallback kept while nobody answered its hand-over (never throws)
            fallbackFolder.handOverLeft();
        }
        if (heartbeat != null) {
            heartbeat.start(); // before the first call: its run is known to the other nodes
        }
        try {
            agi.start();
            http.start();
            if (markFile != null) {
                mark.write(markFile);
            }
            scheduler.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (ami != null) {
            ami.start(); // connects in the background: a down Asterisk never stops pagerline starting
        }
        if (mail != null) {
            mail.start(); // connects in the background, like AMI
        }
        up = true;
        ticketClocks.kick();
        engine.kick(); // catch up at once on anything that fell due while the server was down
        log.info("pagerline is up");
        return this;
    }

    Services services() {
        return data.services();
    }

    /** A connection from the server's own pool (tests that need to hold a lock as another user would). */
    java.sql.Connection connection() throws java.sql.SQLException {
        return data.database().dataSource().getConnection();
    }

    int httpPort() {
        return http.port();
    }

    /**
     * One engine pass now, on the caller's thread: what a Quartz wake-up or the sweep would run.
     * End-to-end tests move a fake clock and then call this instead of waiting for a timer.
     */
    EscalationEngine.PassResult runEnginePass() {
        ticketClocks.runDue();
        return engine.runDue();
    }

    /** Tests: how urgent messages to one phone are paced and bundled from now on. */
    void bundleGaps(org.pagerline.core.page.BundleGaps gaps) {
        engine.dispatcher().withBundleGaps(gaps);
    }

    /** Wake-ups the engine has asked Quartz for and that have not fired yet. */
    int pendingWakeUps() {
        return scheduler.pendingWakeUps();
    }

    /** Builds, starts, and blocks until SIGTERM/SIGINT; 0 on a clean stop, 2 on a config error. */
    static int runUntilStopped(PagerlineConfig config, Clock clock) {
        PagerlineServer server;
        try {
            server = Wiring.server(config, clock).start();
        } catch (org.pagerline.config.ConfigException e) {
            throw e; // a bad setting or a port in use: the command line says it in one line, exit status 2
        } catch (ServerMark.AlreadyRunning e) {
            throw e; // one line naming the other server (host, pid, ports), exit status 1
        } catch (java.io.IOException | RuntimeException e) {
            log.error("pagerline could not start: {}", e.getMessage(), e);
            return 1;
        }
        // SIGTERM and SIGINT stop the server here, in order, before the JVM's shutdown begins: in
        // shutdown every hook runs at once, H2's own among them, which closed the database under
        // the scheduler ("Database is already closed"). The hook stays for any other exit.
        int[] status = {0};
        for (String[] sig : new String[][] {{"TERM", "143"}, {"INT", "130"}}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(sig[0]), s -> {
                    status[0] = Integer.parseInt(sig[1]);
                    new Thread(server::close, "shutdown").start();
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.debug("no SIG{} handler ({}): the shutdown hook stops the server", sig[0], e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown-hook"));
        try {
            server.stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return status[0]; // 143 after SIGTERM, 130 after Ctrl-C, as without the handlers
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (up) {
            log.info("pagerline stopping");
        }
        http.close();
        admin.close();
        if (ami != null) {
            ami.close();
        }
        agi.close();
        if (heartbeat != null) {
            heartbeat.close();
        }
        data.services().calls().close(); // the calls' last lines, before the database closes
        if (mail != null) {
            mail.close();
        }
        scheduler.close();
        ticketClocks.close();
        engine.close();
        if (markFile != null) {
            ServerMark.remove(markFile);
        }
        data.close();
        if (metrics != null) {
            try {
                metrics.close();
            } catch (Exception e) {
                log.debug("metrics registry did not close cleanly: {}", e.getMessage());
            }
        }
        if (up) {
            log.info("pagerline stopped");
        }
        stopped.countDown();
    }
}
