package org.pagerline.adapter.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import jakarta.servlet.http.HttpServletResponse;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.pagerline.config.ConfigException;
import org.pagerline.config.HttpConfig;
import org.pagerline.service.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server (Javalin on Jetty 12): health now, webhooks as other parts register them,
 * the portal and console later. Jetty waits for bytes on a non-blocking selector, so a slow or
 * stuck client holds no thread; {@link ConnectionGuard} closes a connection that has not sent its
 * first request within {@code http.header-timeout} and any beyond {@code http.max-connections-per-address}
 * from one address; a request body must arrive within {@code http.header-timeout} too, before the
 * handler runs ({@link #readBodyInTime}); {@code http.idle-timeout} closes the quiet ones.
 *
 * <p>Paths are exact: a registered path answers only to itself, byte for byte ({@code /healthx},
 * {@code /health;x}, {@code /health/}, {@code //health} and {@code /x/../health} are 404s, never
 * a normalised match). A handler answers every method; it says 405 itself. A handler that throws
 * answers 500 without its message (which might hold caller data). A client that hangs up before
 * its answer is written costs a debug line.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    /** What a path we serve can look like: "/" + plain segments, no dot segments, no ';' or '%'. */
    private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*)+");

    /** The largest request body read (Javalin's maxRequestSize); handlers may set a lower limit. */
    static final int MAX_BODY = 1024 * 1024;
    /** The largest multipart form (the portal's attachments) read. */
    static final int MAX_MULTIPART = 27 * 1024 * 1024;
    /** A multipart file part larger than this is kept in a temporary file while the request runs. */
    static final int MULTIPART_IN_MEMORY = 1024 * 1024;
    /**
     * The multipart limits as the servlet request needs them to parse a form itself: Javalin sets
     * this attribute only when a handler first reads a field, after {@link #readBodyInTime}'s deadline.
     */
    private static final jakarta.servlet.MultipartConfigElement MULTIPART = new jakarta.servlet.MultipartConfigElement(
            System.getProperty("java.io.tmpdir"), MAX_MULTIPART, MAX_MULTIPART, MULTIPART_IN_MEMORY);
    private final HttpConfig config;
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private Javalin app;
    private ServerConnector connector;
    private final java.util.List<AutoCloseable> closeWith = new java.util.concurrent.CopyOnWriteArrayList<>();

    public HttpEndpoint(HttpConfig config) {
        this.config = config;
    }

    /** Serves {@code path} (exactly) with {@code handler}, for every method. Before {@link #start()}. */
    public HttpEndpoint route(String path, Handler handler) {
        if (app != null) {
            throw new IllegalStateException("routes are added before start()");
        }
        // a "{name}" segment takes one plain segment (the web pages' ids); anything else is exact
        if (!PLAIN_PATH.matcher(path.replaceAll("/\\{[a-z]+\\}", "/x")).matches()) {
            throw new IllegalArgumentException("not a plain path: " + path);
        }
        routes.put(path, handler);
        return this;
    }

    /**
     * Binds and starts serving. An address that cannot be had (the port in use) throws a
     * {@link ConfigException} naming the key and the address, with nothing left running.
     */
    public void start() {
        // http.threads for requests, plus one acceptor and two selectors (fixed below, so the budget
        // does not grow with the machine's cores)
        QueuedThreadPool threads = new QueuedThreadPool(config.threads() + 3, 4);
        threads.setName("http");
        threads.setDaemon(true);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.startup.startupWatcherEnabled = false;
            c.router.ignoreTrailingSlashes = false;
            c.router.treatMultipleSlashesAsSingleSlash = false;
            c.router.caseInsensitiveRoutes = false;
            c.http.maxRequestSize = MAX_BODY;
            // portal attachments: a whole form of up to MAX_MULTIPART, any one file too, so a file over
            // the portal's own limit (5 MB) is refused by the portal with its words, not by the parser
            c.jetty.multipartConfig.maxFileSize(MAX_MULTIPART, io.javalin.config.SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize(MULTIPART_IN_MEMORY, io.javalin.config.SizeUnit.BYTES);
            c.jetty.multipartConfig.maxTotalRequestSize(MAX_MULTIPART, io.javalin.config.SizeUnit.BYTES);
            c.jetty.threadPool = threads;
            c.jetty.modifyHttpConfiguration(h -> {
                h.setSendServerVersion(false);
                h.setSendXPoweredBy(false);
                h.setIdleTimeout(config.idleTimeout().toMillis());
            });
            c.jetty.addConnector((server, httpConfig) -> {
                ServerConnector sc = new ServerConnector(server, 1, 2, new HttpConnectionFactory(httpConfig));
                sc.setHost(config.bind());
                sc.setPort(config.port());
                sc.setIdleTimeout(config.idleTimeout().toMillis());
                sc.setAcceptQueueSize(256);
                sc.addEventListener(new ConnectionGuard(config.headerTimeout(), config.maxConnectionsPerAddress(), sc.getScheduler()));
                connector = sc;
                return sc;
            });
            c.routes.before(HttpEndpoint::exactPathsOnly);
            routes.forEach((path, handler) -> {
                Handler guarded = ctx -> {
                    if (!ctx.res().isCommitted() && ctx.statusCode() != 404) {
                        readBodyInTime(ctx);
                        handler.handle(ctx);
                    }
                };
                for (io.javalin.http.HandlerType m : new io.javalin.http.HandlerType[] {io.javalin.http.HandlerType.GET,
                        io.javalin.http.HandlerType.HEAD, io.javalin.http.HandlerType.POST, io.javalin.http.HandlerType.PUT,
                        io.javalin.http.HandlerType.PATCH, io.javalin.http.HandlerType.DELETE,
                        io.javalin.http.HandlerType.OPTIONS}) {
                    c.routes.addEndpoint(new io.javalin.router.Endpoint(m, path, guarded));
                }
            });
            c.routes.exception(Exception.class, (e, ctx) -> failed(ctx, e));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof BindException)) {
                cause = cause.getCause();
            }
            close();
            if (cause != null) {
                throw new ConfigException("http.port", "cannot listen on " + config.bind() + ":" + config.port() + " ("
                        + (cause.getMessage() == null ? "in use" : cause.getMessage()) + ")");
            }
            throw e;
        }
        log.info("HTTP listening on {}:{}", config.bind(), port());
    }

    /**
     * Reads a request's body (Javalin keeps it for {@code ctx.bodyAsBytes()}) within
     * {@code http.header-timeout}, else closes the connection: a client that sends its headers and
     * then trickles the body would otherwise hold a request thread for as long as it likes. A body
     * declared larger than {@link #MAX_BODY} is left for the handler to refuse unread.
     */
    private void readBodyInTime(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        boolean chunked = "chunked".equalsIgnoreCase(ctx.req().getHeader("Transfer-Encoding"));
        String type = ctx.req().getContentType();
        boolean multipart = type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
        if ((declared <= 0 && !chunked) || declared > (multipart ? MAX_MULTIPART : MAX_BODY)) {
            return;
        }
        EndPoint ep = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData().getConnection()
                .getEndPoint();
        Scheduler.Task deadline = connector.getScheduler().schedule(() -> {
            log.debug("HTTP {} {}: body not received within {} ms (http.header-timeout); connection closed",
                    ctx.req().getMethod(), LogText.of(ctx.path()), config.headerTimeout().toMillis());
            ep.close();
        }, config.headerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (multipart) {
                ctx.req().setAttribute("org.eclipse.jetty.multipartConfig", MULTIPART);
                ctx.req().getParts(); // read (and kept by the servlet request) within the deadline
            } else {
                ctx.bodyAsBytes();
            }
        } catch (jakarta.servlet.ServletException | IOException | IllegalStateException e) {
            log.debug("HTTP {} {}: multipart form not read ({})", ctx.req().getMethod(), LogText.of(ctx.path()), e.toString());
        } finally {
            deadline.cancel();
        }
    }

    /** A path not spelled exactly as one we serve is a 404, before any route matching or normalising. */
    private static void exactPathsOnly(Context ctx) {
        String raw = ctx.req().getRequestURI();
        if (raw == null || !PLAIN_PATH.matcher(raw).matches() || !raw.equals(ctx.path())) {
            ctx.status(404).contentType("application/json").result("{\"error\":\"not found\"}");
            ctx.skipRemainingHandlers();
        }
    }

    private static void failed(Context ctx, Exception e) {
        String what = ctx.method() + " " + LogText.of(ctx.path());
        if (clientGone(e)) {
            log.debug("HTTP {}: the client hung up before the answer ({})", what, e.toString());
            return;
        }
        log.error("HTTP {} failed", what, e);
        ctx.status(500).contentType("application/json").result("{\"error\":\"internal error\"}");
    }

    static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EofException || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("reset"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes a whole answer now, on the handler's thread, so a client that has hung up is noticed
     * here and costs one debug line (a monitor giving up on /health is routine, not an error).
     */
    public static void send(Context ctx, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ctx.status(status).contentType(contentType + "; charset=utf-8");
        HttpServletResponse res = ctx.res();
        res.setContentLength(bytes.length);
        try {
            if (!"HEAD".equals(ctx.req().getMethod())) {
                res.getOutputStream().write(bytes);
            }
            res.flushBuffer();
        } catch (IOException e) {
            log.debug("HTTP {} {}: the client hung up before the answer ({})", ctx.req().getMethod(), LogText.of(ctx.path()),
                    e.toString());
        }
    }

    public int port() {
        return connector == null ? config.port() : connector.getLocalPort();
    }

    /** Something that lives as long as the server's routes do (the console's live views); closed after it. */
    public void closeWith(AutoCloseable part) {
        closeWith.add(part);
    }

    @Override
    public void close() {
        for (AutoCloseable part : closeWith) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("HTTP: {} did not stop cleanly: {}", part, e.toString());
            }
        }
        if (app != null) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                log.warn("HTTP listener did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
