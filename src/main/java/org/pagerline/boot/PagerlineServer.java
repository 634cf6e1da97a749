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
import org.pagerline.service.Services;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server. Starts the scheduler, then the listeners; stops in the reverse order
 * (listeners first, so no new call or webhook arrives while the engine and database close).
 */
final class PagerlineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PagerlineServer.class);
    private final Wiring.Data data;
    private final EscalationEngine engine;
    private final QuartzScheduler scheduler;
    private final AgiListener agi;
    private final HttpEndpoint http;
    /** Null when ami.enabled is false. */
    private final AmiSession ami;
    private final AdminEndpoint admin;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    PagerlineServer(Wiring.Data data, EscalationEngine engine, QuartzScheduler scheduler, AgiListener agi, HttpEndpoint http,
            AmiSession ami, AdminEndpoint admin) {
        this.ami = ami;
        this.admin = admin;
        this.data = data;
        this.engine = engine;
        this.scheduler = scheduler;
        this.agi = agi;
        this.http = http;
    }

    PagerlineServer start() {
        scheduler.start();
        agi.start();
        http.start();
        if (ami != null) {
            ami.start(); // connects in the background: a down Asterisk never stops pagerline starting
        }
        engine.kick(); // catch up at once on anything that fell due while the server was down
        log.info("pagerline is up");
        return this;
    }

    Services services() {
        return data.services();
    }

    int httpPort() {
        return http.port();
    }

    /**
     * One engine pass now, on the caller's thread: what a Quartz wake-up or the sweep would run.
     * End-to-end tests move a fake clock and then call this instead of waiting for a timer.
     */
    EscalationEngine.PassResult runEnginePass() {
        return engine.runDue();
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
            throw e; // the command line says it in one line, exit status 2
        } catch (java.io.IOException | RuntimeException e) {
            log.error("pagerline could not start: {}", e.getMessage(), e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        try {
            server.stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("pagerline stopping");
        http.close();
        admin.close();
        if (ami != null) {
            ami.close();
        }
        agi.close();
        scheduler.close();
        engine.close();
        data.close();
        log.info("pagerline stopped");
        stopped.countDown();
    }
}
