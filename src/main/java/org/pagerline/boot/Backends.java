package org.pagerline.boot;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.pagerline.adapter.admin.AdminClient;
import org.pagerline.adapter.admin.AdminEndpoint;
import org.pagerline.cli.Backend;
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
}
