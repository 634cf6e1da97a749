package org.pagerline.adapter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: health now, webhooks as other parts register them. Handlers are plain JDK
 * {@link HttpHandler}s, so a webhook adapter needs nothing of this class. A handler that throws
 * answers 500 without its message (which might hold caller data).
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    private final HttpServer server;
    private final ExecutorService pool;

    public HttpEndpoint(String bind, int port, int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 256);
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
    }

    public HttpEndpoint route(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try {
                handler.handle(exchange);
            } catch (RuntimeException | IOException e) {
                log.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                try {
                    send(exchange, 500, "application/json", "{\"error\":\"internal error\"}");
                } catch (IOException | RuntimeException ignored) {
                    // the response may already have started; nothing more to say
                }
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    public void start() {
        server.start();
        log.info("HTTP listening on {}:{}", server.getAddress().getHostString(), port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Writes a whole response. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
