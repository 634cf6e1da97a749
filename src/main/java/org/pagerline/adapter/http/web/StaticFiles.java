package org.pagerline.adapter.http.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.pagerline.adapter.http.HttpEndpoint;

/**
 * The few static files, from src/main/resources/web, each at its own exact path: htmx and its
 * SSE extension (vendored from their npm packages, no CDN), the style sheet, the page script.
 */
final class StaticFiles {
    static final Map<String, String> FILES = Map.of(
            "/static/htmx.min.js", "text/javascript",
            "/static/sse.js", "text/javascript",
            "/static/app.css", "text/css");

    private StaticFiles() {}

    static Handler handler(String path, String type) {
        byte[] bytes = read("/web/" + path.substring("/static/".length()));
        return ctx -> {
            if (!WebSecurity.readOnly(ctx)) {
                ctx.header("Allow", "GET, HEAD");
                HttpEndpoint.send(ctx, 405, "text/plain", "method not allowed");
                return;
            }
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.header("X-Content-Type-Options", "nosniff");
            sendBytes(ctx, 200, type, bytes);
        };
    }

    static void sendBytes(Context ctx, int status, String type, byte[] bytes) throws IOException {
        ctx.status(status).contentType(type);
        ctx.res().setContentLength(bytes.length);
        if (!"HEAD".equals(ctx.req().getMethod())) {
            ctx.res().getOutputStream().write(bytes);
        }
        ctx.res().flushBuffer();
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
