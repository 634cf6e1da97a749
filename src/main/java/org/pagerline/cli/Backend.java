package org.pagerline.cli;

import java.nio.file.Path;
import org.pagerline.service.Services;

/**
 * What the command line needs from the wiring, without knowing it: the services over the
 * configured database, and a way to run the server. Built by boot.
 */
public interface Backend extends AutoCloseable {

    /** Opens the database on first use (migrating it) and returns the services over it. */
    Services services();

    /** Runs the server until it is stopped; returns the exit status. */
    int runServer();

    @Override
    void close();

    /**
     * Thrown by {@link #services()} when, while it waited for the database, a server that started
     * meanwhile took it and now answers on its admin socket: the command is to be sent there.
     */
    final class ServerStarted extends RuntimeException {
        public ServerStarted() {
            super("a pagerline server started on the data directory meanwhile", null, false, false);
        }
    }

    /** Makes a backend for a config file path (which may not exist: then all defaults). */
    @FunctionalInterface
    interface Factory {
        Backend create(Path configFile);
    }
}
