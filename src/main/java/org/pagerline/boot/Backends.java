package org.pagerline.boot;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Clock;
import java.util.Map;
import org.pagerline.adapter.admin.AdminClient;
import org.pagerline.adapter.admin.AdminEndpoint;
import org.pagerline.cli.Backend;
import org.pagerline.cli.Cli;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.service.Services;

/** The command line's backend: loads the settings, opens the database on demand. */
final class Backends {
    private Backends() {}

    static final class Live implements Backend {
        private final PagerlineConfig config;
        private Wiring.Data data;

        Live(Path configFile, Map<String, String> env) {
            this.config = PagerlineConfig.from(Settings.load(configFile, env));
        }

        @Override
        public Services services() {
            if (data == null) {
                Path socket = config.database().dataDir().resolve(AdminEndpoint.SOCKET_FILE);
                data = Wiring.openData(config, Clock.systemUTC(), () -> AdminClient.answers(socket));
            }
            return data.services();
        }

        @Override
        public int runServer() {
            return PagerlineServer.runUntilStopped(config, Clock.systemUTC());
        }

        @Override
        public void close() {
            if (data != null) {
                data.close();
            }
        }
    }

    /**
     * A command sent by the command line over the admin socket: it runs in the server, on the
     * server's own services, so what it changes reaches the engine at once.
     */
    static final class InServer implements Backend {
        private final Services services;

        InServer(Services services) {
            this.services = services;
        }

        @Override
        public Services services() {
            return services;
        }

        @Override
        public int runServer() {
            throw new IllegalStateException("a pagerline server is already running on this data directory");
        }

        @Override
        public void close() {
            // the server owns its services
        }
    }

    /**
     * Runs the commands sent over the admin socket, once the server's services are ready (a
     * command that arrives while the server starts waits for it). Each runs on a command-line
     * model reused from one command to the next: building one costs 30-80 ms, a run about 1 ms.
     */
    static final class ServerCommands implements AdminEndpoint.CommandRunner {
        /** How long a command sent while the server starts waits for it (opening the database may wait 30 s). */
        static final Duration START_WAIT = Duration.ofSeconds(90);
        private final CompletableFuture<Services> ready = new CompletableFuture<>();
        /** Built models not in use: at most one per admin thread. */
        private final Queue<Cli.Prepared> models = new ConcurrentLinkedQueue<>();

        void ready(Services services) {
            ready.complete(services);
        }

        void failed(Throwable e) {
            ready.completeExceptionally(e);
        }

        @Override
        public int run(List<String> args, PrintWriter out, PrintWriter err) {
            Services running;
            try {
                running = ready.get(START_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Cli.FAULT;
            } catch (ExecutionException | TimeoutException e) {
                err.println("error: the server is not ready to run commands (it is still starting, or failed to start: see its log)");
                return Cli.FAULT;
            }
            Cli.Prepared model = models.poll();
            if (model == null) {
                model = new Cli.Prepared(configFile -> new InServer(running));
            }
            try {
                return model.run(out, err, args.toArray(String[]::new));
            } finally {
                models.offer(model);
            }
        }
    }
}
