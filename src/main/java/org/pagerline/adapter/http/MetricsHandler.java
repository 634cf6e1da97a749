package org.pagerline.adapter.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Supplier;
import org.pagerline.config.MetricsConfig;

/**
 * {@code GET /metrics}: the Prometheus text format. Answered only to a client address in
 * {@code metrics.allow} (loopback by default) and never to a request that came through a reverse
 * proxy (Forwarded, X-Forwarded-For or X-Real-IP present: a proxy on the same host connects from
 * loopback); anyone else gets the same 404 as an unknown path.
 */
public final class MetricsHandler implements Handler {
    private final MetricsConfig config;
    private final Supplier<String> scrape;

    public MetricsHandler(MetricsConfig config, Supplier<String> scrape) {
        this.config = config;
        this.scrape = scrape;
    }

    @Override
    public void handle(Context ctx) {
        if (!allowed(ctx)) {
            HttpEndpoint.send(ctx, 404, "application/json", "{\"error\":\"not found\"}");
            return;
        }
        String method = ctx.method().name();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            ctx.header("Allow", "GET, HEAD");
            HttpEndpoint.send(ctx, 405, "application/json", "{\"error\":\"method not allowed\"}");
            return;
        }
        HttpEndpoint.send(ctx, 200, "text/plain; version=0.0.4", scrape.get());
    }

    private boolean allowed(Context ctx) {
        if (ctx.header("Forwarded") != null || ctx.header("X-Forwarded-For") != null || ctx.header("X-Real-IP") != null) {
            return false;
        }
        try {
            return config.allows(InetAddress.getByName(ctx.req().getRemoteAddr()));   // a literal: no lookup
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }
}
