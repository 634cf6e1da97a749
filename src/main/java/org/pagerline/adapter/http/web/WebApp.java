package org.pagerline.adapter.http.web;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UploadedFile;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.config.WebConfig;
import org.pagerline.core.directory.Client;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.web.Attachment;
import org.pagerline.core.web.StaffRole;
import org.pagerline.core.web.StaffUser;
import org.pagerline.core.web.WebSession;
import org.pagerline.service.NotFoundException;
import org.pagerline.service.Services;
import org.pagerline.service.ValidationException;
import org.pagerline.service.web.AttemptLimits;
import org.pagerline.service.web.ConsoleDesk;
import org.pagerline.service.web.PortalDesk;
import org.pagerline.service.web.StaffAccounts;
import org.pagerline.service.web.Tokens;
import org.pagerline.service.web.WebSessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staff console ({@code /console}) and the client portal ({@code /portal}) on the one HTTP
 * server. Every route says who may use it; {@link #routes} lists them all (the authorisation
 * matrix test walks that list).
 */
public final class WebApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebApp.class);
    private final WebConfig config;
    private final Services services;
    private final ConsoleDesk console;
    private final PortalDesk portal;
    private final StaffAccounts staff;
    private final WebSessions sessions;
    private final WebSecurity security;
    private final Clock clock;
    private final Path recordingsDir;
    private final Templates templates = new Templates();
    private final LiveConsole live;
    private final AttemptLimits.Limit signInByName;
    private final AttemptLimits.Limit signInByAddress;
    private final AttemptLimits.Limit linksByAddress;
    private final Map<String, String> flash = new ConcurrentHashMap<>();
    private final Map<String, Route> routes = new LinkedHashMap<>();

    /** Who may use a route. */
    public enum Access { PUBLIC, STAFF, ADMIN, CLIENT }

    /** One route: its pattern, who may use it, what GET and POST do (null: not allowed). */
    public record Route(String path, Access access, Handler get, Handler post) {}

    public WebApp(WebConfig config, Services services, ConsoleDesk console, PortalDesk portal, StaffAccounts staff,
            WebSessions sessions, Tokens tokens, Clock clock, Path recordingsDir, Duration livePeriod) {
        this.config = config;
        this.services = services;
        this.console = console;
        this.portal = portal;
        this.staff = staff;
        this.sessions = sessions;
        this.security = new WebSecurity(config, sessions, tokens);
        this.clock = clock;
        this.recordingsDir = recordingsDir;
        // counted in the database: the limits hold across a restart and across nodes
        AttemptLimits limits = services.web().limits();
        this.signInByName = limits.limit("staff sign-in by name", 5, Duration.ofMinutes(15));
        this.signInByAddress = limits.limit("staff sign-in by address", 60, Duration.ofMinutes(15));
        this.linksByAddress = limits.limit("portal links by address", 20, Duration.ofMinutes(15));
        this.live = new LiveConsole(console::fingerprint, this::renderViews, clock, livePeriod);
        define();
    }

    public Map<String, Route> routes() {
        return routes;
    }

    /** Registers every route on the server. Before it starts. */
    public void register(HttpEndpoint http) {
        routes.values().forEach(r -> http.route(r.path(), ctx -> handle(r, ctx)));
        StaticFiles.FILES.forEach((path, type) -> http.route(path, StaticFiles.handler(path, type)));
    }

    public void start() {
        live.start();
    }

    /** Live views connected now (for tests and the benchmark). */
    public int liveClients() {
        return live.connected();
    }

    /** The live views as last sent to the browsers (for tests and the benchmark). */
    Map<String, String> liveViews() {
        return live.views();
    }

    @Override
    public void close() {
        live.close();
    }

    private void route(String path, Access access, Handler get, Handler post) {
        routes.put(path, new Route(path, access, get, post));
    }

    private void define() {
        // console
        route("/console/signin", Access.PUBLIC, this::staffSignInPage, this::staffSignIn);
        route("/console/signout", Access.STAFF, null, this::staffSignOut);
        route("/console", Access.STAFF, this::consolePage, null);
        route("/console/events", Access.STAFF, new SseHandler(client -> {
            String token = client.ctx().cookie(WebSecurity.CONSOLE_COOKIE);
            live.add(client, () -> sessions.live(token));
        }), null);
        route("/console/views/{name}", Access.STAFF, this::consoleView, null);
        route("/console/tickets/{id}", Access.STAFF, this::ticketPage, null);
        route("/console/tickets/{id}/{action}", Access.STAFF, null, this::ticketAction);
        route("/console/incidents/{id}", Access.STAFF, this::incidentPage, null);
        route("/console/incidents/{id}/acknowledge", Access.STAFF, null, this::acknowledge);
        route("/console/queue/{action}", Access.STAFF, null, this::queueAction);
        route("/console/recordings/{id}", Access.STAFF, this::recording, null);
        route("/console/attachments/{id}", Access.STAFF, this::staffAttachment, null);
        route("/console/admin", Access.ADMIN, ctx -> adminPage(ctx, null), null);
        route("/console/admin/{what}", Access.ADMIN, null, this::adminAction);
        // portal
        route("/portal/signin", Access.PUBLIC, this::portalSignInPage, this::portalRequestLink);
        route("/portal/link/{token}", Access.PUBLIC, this::portalLinkPage, this::portalUseLink);
        route("/portal/signout", Access.CLIENT, null, this::portalSignOut);
        route("/portal", Access.CLIENT, this::portalHome, null);
        route("/portal/new", Access.CLIENT, this::portalNewPage, null);
        route("/portal/tickets", Access.CLIENT, null, this::portalSubmit);
        route("/portal/tickets/{id}", Access.CLIENT, this::portalTicketPage, null);
        route("/portal/tickets/{id}/reply", Access.CLIENT, null, this::portalReply);
        route("/portal/attachments/{id}", Access.CLIENT, this::clientAttachment, null);
    }

    // --- The gate every route passes ------------------------------------------------------------

    private void handle(Route r, Context ctx) throws Exception {
        securityHeaders(ctx);
        boolean read = WebSecurity.readOnly(ctx);
        Handler h = read ? r.get() : "POST".equals(ctx.req().getMethod()) ? r.post() : null;
        if (h == null) {
            ctx.header("Allow", r.get() != null ? "GET, HEAD" : "POST");
            HttpEndpoint.send(ctx, 405, "text/plain", "method not allowed");
            return;
        }
        if (!read && !security.originOk(ctx)) {
            log.info("web: {} {} refused: Origin {} is not {}", ctx.req().getMethod(), r.path(),
                    org.pagerline.service.LogText.of(String.valueOf(ctx.header("Origin"))), config.origin());
            HttpEndpoint.send(ctx, 403, "text/plain", "refused: this form did not come from " + config.origin());
            return;
        }
        Optional<WebSession> session = Optional.empty();
        switch (r.access()) {
            case PUBLIC -> {
                if (!read && !security.preTokenOk(ctx)) {
                    HttpEndpoint.send(ctx, 403, "text/plain", "refused: the form's security token is missing or stale;"
                            + " reload the page and try again");
                    return;
                }
            }
            case STAFF, ADMIN -> {
                session = security.session(ctx, WebSecurity.CONSOLE_COOKIE, WebSession.Kind.STAFF);
                Optional<StaffUser> user = session.flatMap(s -> staff.find(s.subjectId()));
                if (user.isEmpty()) {
                    unauthenticated(ctx, "/console/signin");
                    return;
                }
                if (r.access() == Access.ADMIN && !user.get().role().atLeast(StaffRole.ADMIN)) {
                    HttpEndpoint.send(ctx, 403, "text/plain", "forbidden: the admin pages are for admins");
                    return;
                }
                ctx.attribute("user", user.get());
            }
            case CLIENT -> {
                session = security.session(ctx, WebSecurity.PORTAL_COOKIE, WebSession.Kind.CLIENT);
                Optional<Client> client = session.flatMap(s -> portal.client(s.subjectId()));
                if (client.isEmpty()) {
                    unauthenticated(ctx, "/portal/signin");
                    return;
                }
                ctx.attribute("client", client.get());
            }
        }
        if (session.isPresent()) {
            ctx.attribute("session", session.get());
            if (!read && !WebSecurity.same(session.get().csrf(), WebSecurity.presented(ctx))) {
                HttpEndpoint.send(ctx, 403, "text/plain", "refused: the form's security token is missing or stale;"
                        + " reload the page and try again");
                return;
            }
        }
        try {
            h.handle(ctx);
        } catch (NotFoundException e) {
            problem(ctx, 404, "not found");
        } catch (ValidationException e) {
            problem(ctx, 400, e.getMessage());
        }
    }

    private void securityHeaders(Context ctx) {
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self';"
                + " img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self';"
                + " base-uri 'none'");
    }

    /** Not signed in: a page asks for sign-in; an htmx request, a view or a file gets 401. */
    private void unauthenticated(Context ctx, String signIn) {
        boolean page = WebSecurity.readOnly(ctx) && ctx.header("HX-Request") == null
                && !ctx.path().startsWith("/console/events") && !ctx.path().startsWith("/console/views")
                && !ctx.path().startsWith("/console/recordings") && !ctx.path().contains("/attachments/");
        if (page) {
            redirect(ctx, signIn);
        } else {
            HttpEndpoint.send(ctx, 401, "text/plain", "sign in first");
        }
    }

    private void problem(Context ctx, int status, String message) {
        if (ctx.header("HX-Request") != null) {
            HttpEndpoint.send(ctx, status, "text/html", "<p class=\"flash error\">" + escape(message) + "</p>");
            return;
        }
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, status == 404 ? "Not found" : "Cannot do that"));
        m.put("message", message);
        m.put("status", status);
        html(ctx, status, "web/problem.jte", m);
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static void redirect(Context ctx, String to) {
        ctx.header("Location", to);
        HttpEndpoint.send(ctx, 303, "text/plain", "see " + to);
    }

    private void html(Context ctx, int status, String template, Map<String, Object> model) {
        HttpEndpoint.send(ctx, status, "text/html", templates.render(template, model));
    }

    private Chrome chrome(Context ctx, String title) {
        WebSession s = ctx.attribute("session");
        StaffUser u = ctx.attribute("user");
        Client c = ctx.attribute("client");
        String csrf = s != null ? s.csrf() : security.preToken(ctx);
        String who = u != null ? u.name() : c != null ? c.contactName() + " (" + c.company() + ")" : null;
        return new Chrome(title, csrf, who, u == null ? null : u.role().name().toLowerCase(),
                u != null && u.role().atLeast(StaffRole.ADMIN), zone(), clock.instant());
    }

    private ZoneId zone() {
        return services.calendar().calendar().zone();
    }

    private static long id(Context ctx, String name) {
        String v = ctx.pathParam(name);
        if (!v.matches("\\d{1,18}")) {
            throw new NotFoundException("no such id");
        }
        return Long.parseLong(v);
    }

    private String takeFlash(Context ctx) {
        WebSession s = ctx.attribute("session");
        return s == null ? null : flash.remove(s.tokenHash());
    }

    private void putFlash(Context ctx, String message) {
        WebSession s = ctx.attribute("session");
        if (s != null) {
            flash.put(s.tokenHash(), message);
        }
    }

    // --- Console -------------------------------------------------------------------------------

    private void staffSignInPage(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Staff sign-in"));
        m.put("error", null);
        html(ctx, 200, "web/console/signin.jte", m);
    }

    private void staffSignIn(Context ctx) {
        String name = ctx.formParam("name");
        String password = ctx.formParam("password");
        String address = WebSecurity.address(ctx);
        String nameKey = "name:" + (name == null ? "" : name.trim().toLowerCase());
        // the name's attempt is counted before the password is checked (a slow hash): sign-ins at
        // once for one name get no more checks between them than one after another
        boolean addressOk = signInByAddress.tryAcquire("addr:" + address);
        if (!addressOk || !signInByName.tryAcquire(nameKey)) {
            log.info("web: staff sign-in refused: too many attempts ({})", addressOk ? "name" : "address");
            Map<String, Object> m = new HashMap<>();
            m.put("c", chrome(ctx, "Staff sign-in"));
            m.put("error", "Too many sign-in attempts. Wait 15 minutes and try again.");
            html(ctx, 429, "web/console/signin.jte", m);
            return;
        }
        Optional<StaffUser> u = staff.authenticate(name, password == null ? new char[0] : password.toCharArray());
        if (u.isEmpty()) {
            Map<String, Object> m = new HashMap<>();
            m.put("c", chrome(ctx, "Staff sign-in"));
            m.put("error", "That name and password do not match an account.");
            html(ctx, 401, "web/console/signin.jte", m);
            return;
        }
        signInByName.clear(nameKey);
        WebSessions.Started s = sessions.start(WebSession.Kind.STAFF, u.get().id());
        security.setCookie(ctx, WebSecurity.CONSOLE_COOKIE, s.token(), "/console", config.sessionIdle().toSeconds());
        log.info("web: {} signed in to the console", u.get().name());
        redirect(ctx, "/console");
    }

    private void staffSignOut(Context ctx) {
        sessions.end(ctx.cookie(WebSecurity.CONSOLE_COOKIE));
        security.clearCookie(ctx, WebSecurity.CONSOLE_COOKIE, "/console");
        redirect(ctx, "/console/signin");
    }

    private void consolePage(Context ctx) {
        StaffUser u = ctx.attribute("user");
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Desk"));
        m.put("views", live.views());
        m.put("flash", takeFlash(ctx));
        m.put("technician", console.technicianIfAny(u).isPresent());
        html(ctx, 200, "web/console/desk.jte", m);
    }

    /** The live views, rendered for every staff browser at once (no per-person content in them). */
    Map<String, String> renderViews() {
        Chrome c = new Chrome("", null, null, null, false, zone(), clock.instant());
        ConsoleDesk.Desk d = console.desk();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("queue", templates.render("web/console/queue.jte", Map.of("c", c, "q", d.queue())));
        out.put("tickets", templates.render("web/console/tickets.jte", Map.of("c", c, "list", d.tickets())));
        out.put("incidents", templates.render("web/console/incidents.jte", Map.of("c", c, "incidents", d.incidents())));
        out.put("oncall", templates.render("web/console/oncall.jte", Map.of("c", c, "lines", d.onCall())));
        return out;
    }

    private void consoleView(Context ctx) {
        String name = ctx.pathParam("name");
        String v = live.views().get(name);
        if (v == null) {
            throw new NotFoundException("no view " + name);
        }
        HttpEndpoint.send(ctx, 200, "text/html", v);
    }

    private void ticketPage(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        ConsoleDesk.TicketPage t = console.ticket(id(ctx, "id"));
        m.put("c", chrome(ctx, "Ticket " + t.ticket().id()));
        m.put("t", t);
        m.put("flash", takeFlash(ctx));
        html(ctx, 200, "web/console/ticket.jte", m);
    }

    private void ticketAction(Context ctx) {
        StaffUser u = ctx.attribute("user");
        long id = id(ctx, "id");
        String text = ctx.formParam("text");
        ConsoleDesk.Done done;
        try {
            done = switch (ctx.pathParam("action")) {
                case "take" -> console.take(id, u);
                case "note" -> console.note(id, u, text);
                case "reply" -> console.reply(id, u, text);
                case "wait" -> console.waitOnCustomer(id, u, text);
                case "resolve" -> console.resolve(id, u, text);
                default -> throw new NotFoundException("no such action");
            };
        } catch (ValidationException refused) {
            // the ticket's life said no (a closed ticket, already waiting...): said on the ticket's page
            putFlash(ctx, "not done: " + refused.getMessage());
            redirect(ctx, "/console/tickets/" + id);
            return;
        }
        log.info("web: {} on ticket {}: {}", u.name(), id, done.message());
        live.nudge();
        putFlash(ctx, done.message());
        redirect(ctx, "/console/tickets/" + id);
    }

    private void incidentPage(Context ctx) {
        long id = id(ctx, "id");
        var view = services.incidents().show(id);
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Incident " + id));
        m.put("i", view);
        m.put("line", console.incidents().stream().filter(l -> l.incident().id() == id).findFirst().orElse(null));
        m.put("flash", takeFlash(ctx));
        html(ctx, 200, "web/console/incident.jte", m);
    }

    private void acknowledge(Context ctx) {
        StaffUser u = ctx.attribute("user");
        long id = id(ctx, "id");
        ConsoleDesk.Done done = console.acknowledge(id, u);
        log.info("web: {} acknowledged incident {} from the console: {}", u.name(), id, done.message());
        live.nudge();
        if (ctx.header("HX-Request") != null) {
            HttpEndpoint.send(ctx, 200, "text/html", "<p class=\"flash\">" + escape(done.message()) + "</p>");
            return;
        }
        putFlash(ctx, done.message());
        redirect(ctx, "/console/incidents/" + id);
    }

    private void queueAction(Context ctx) {
        StaffUser u = ctx.attribute("user");
        ConsoleDesk.Done done = switch (ctx.pathParam("action")) {
            case "signin" -> console.queueSignIn(u);
            case "signout" -> console.queueSignOut(u);
            default -> throw new NotFoundException("no such action");
        };
        log.info("web: {}", done.message());
        live.nudge();
        putFlash(ctx, done.message());
        redirect(ctx, "/console");
    }

    /** A call's recorded message, for the ticket page's audio player: only a file under line.recordings-dir. */
    private void recording(Context ctx) throws IOException {
        long callId = id(ctx, "id");
        Optional<String> rec = console.recordingOf(callId);
        if (rec.isEmpty()) {
            throw new NotFoundException("no recording");
        }
        Path dir = recordingsDir.toAbsolutePath().normalize();
        Path file = Path.of(rec.get() + ".wav").toAbsolutePath().normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            log.info("web: recording of call {} is not readable here ({} under {})", callId, file, dir);
            throw new NotFoundException("no recording");
        }
        ctx.header("Content-Disposition", "inline; filename=\"call-" + callId + ".wav\"");
        StaticFiles.sendBytes(ctx, 200, "audio/wav", Files.readAllBytes(file));
    }

    private void staffAttachment(Context ctx) throws IOException {
        long id = id(ctx, "id");
        Attachment a = console.attachment(id).orElseThrow(() -> new NotFoundException("no attachment"));
        sendAttachment(ctx, a, console.attachmentBytes(id).orElseThrow(() -> new NotFoundException("no attachment")));
    }

    private static void sendAttachment(Context ctx, Attachment a, byte[] bytes) throws IOException {
        // always a download, never rendered by the browser in our origin
        ctx.header("Content-Disposition", "attachment; filename=\"" + a.fileName().replace("\"", "_") + "\"");
        StaticFiles.sendBytes(ctx, 200, "application/octet-stream", bytes);
    }

    // --- Admin ---------------------------------------------------------------------------------

    private void adminPage(Context ctx, String error) {
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Admin"));
        m.put("a", new AdminView(services.roster().technicians(), services.roster().rotations(),
                services.roster().overrides(), services.calendar().calendar(), services.calendar().holidays(),
                services.incidents().policy().toString(), staff.list()));
        m.put("flash", error != null ? error : takeFlash(ctx));
        html(ctx, error == null ? 200 : 400, "web/console/admin.jte", m);
    }

    private void adminAction(Context ctx) {
        StaffUser u = ctx.attribute("user");
        String message;
        try {
            message = new AdminActions(services, clock).apply(ctx.pathParam("what"), ctx::formParam);
        } catch (ValidationException e) {
            adminPage(ctx, "Not changed: " + e.getMessage());
            return;
        }
        log.info("web: admin {}: {}", u.name(), message);
        live.nudge();
        putFlash(ctx, message);
        redirect(ctx, "/console/admin");
    }

    // --- Portal --------------------------------------------------------------------------------

    private void portalSignInPage(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Sign in"));
        m.put("sent", false);
        html(ctx, 200, "web/portal/signin.jte", m);
    }

    /** The same answer whether or not the address belongs to a client (and whether it was rate-limited). */
    private void portalRequestLink(Context ctx) {
        String email = ctx.formParam("email");
        if (linksByAddress.tryAcquire("addr:" + WebSecurity.address(ctx))) {
            portal.requestLink(email, config.publicUrl());
        } else {
            log.info("web: portal link request not acted on: too many from one address");
        }
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Check your email"));
        m.put("sent", true);
        html(ctx, 200, "web/portal/signin.jte", m);
    }

    /** GET shows a button; only the POST uses the link (mail scanners that follow links do not spend it). */
    private void portalLinkPage(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "Sign in"));
        m.put("token", Tokens.plausible(ctx.pathParam("token")) ? ctx.pathParam("token") : "");
        m.put("error", null);
        html(ctx, 200, "web/portal/link.jte", m);
    }

    private void portalUseLink(Context ctx) {
        if (!linksByAddress.tryAcquire("use:" + WebSecurity.address(ctx))) {
            problem(ctx, 429, "Too many attempts. Wait 15 minutes and ask for a new link.");
            return;
        }
        Optional<Client> c = portal.useLink(ctx.pathParam("token"));
        if (c.isEmpty()) {
            Map<String, Object> m = new HashMap<>();
            m.put("c", chrome(ctx, "Sign in"));
            m.put("token", "");
            m.put("error", "This link has expired or was already used. Ask for a new one.");
            html(ctx, 400, "web/portal/link.jte", m);
            return;
        }
        WebSessions.Started s = sessions.start(WebSession.Kind.CLIENT, c.get().id());
        security.setCookie(ctx, WebSecurity.PORTAL_COOKIE, s.token(), "/portal", config.sessionIdle().toSeconds());
        log.info("web: client {} signed in to the portal", c.get().id());
        redirect(ctx, "/portal");
    }

    private void portalSignOut(Context ctx) {
        sessions.end(ctx.cookie(WebSecurity.PORTAL_COOKIE));
        security.clearCookie(ctx, WebSecurity.PORTAL_COOKIE, "/portal");
        redirect(ctx, "/portal/signin");
    }

    private void portalHome(Context ctx) {
        Client c = ctx.attribute("client");
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, c.company() + " tickets"));
        m.put("tickets", portal.tickets(c));
        m.put("flash", takeFlash(ctx));
        html(ctx, 200, "web/portal/home.jte", m);
    }

    private void portalNewPage(Context ctx) {
        Client c = ctx.attribute("client");
        Map<String, Object> m = new HashMap<>();
        m.put("c", chrome(ctx, "New ticket"));
        m.put("client", c);
        m.put("priorities", Priority.values());
        m.put("error", null);
        m.put("form", Map.of("name", c.contactName(), "callback", c.phones().isEmpty() ? "" : c.phones().get(0)));
        html(ctx, 200, "web/portal/new.jte", m);
    }

    private void portalSubmit(Context ctx) {
        Client c = ctx.attribute("client");
        PortalDesk.NewTicket n = new PortalDesk.NewTicket(ctx.formParam("name"), ctx.formParam("callback"),
                ctx.formParam("priority"), ctx.formParam("description"), List.of());
        try {
            // a file refused (over 5 MB) is told on the form, with what the client wrote kept
            n = new PortalDesk.NewTicket(n.name(), n.callback(), n.priority(), n.description(), uploads(ctx));
            var t = portal.submit(c, n);
            log.info("web: portal ticket {} filed by client {}", t.id(), c.id());
            live.nudge();
            putFlash(ctx, "Ticket " + t.id() + " filed. We will contact you within 6 hours.");
            redirect(ctx, "/portal/tickets/" + t.id());
        } catch (ValidationException e) {
            Map<String, Object> m = new HashMap<>();
            m.put("c", chrome(ctx, "New ticket"));
            m.put("client", c);
            m.put("priorities", Priority.values());
            m.put("error", e.getMessage());
            Map<String, String> form = new HashMap<>();
            form.put("name", n.name() == null ? "" : n.name());
            form.put("callback", n.callback() == null ? "" : n.callback());
            form.put("priority", n.priority() == null ? "" : n.priority());
            form.put("description", n.description() == null ? "" : n.description());
            m.put("form", form);
            html(ctx, 400, "web/portal/new.jte", m);
        }
    }

    private static List<PortalDesk.Upload> uploads(Context ctx) {
        List<PortalDesk.Upload> out = new ArrayList<>();
        String type = ctx.req().getContentType();
        if (type == null || !type.startsWith("multipart/form-data")) {
            return out;
        }
        for (UploadedFile f : ctx.uploadedFiles("files")) {
            if (f.size() > PortalDesk.MAX_ATTACHMENT) {
                throw new ValidationException("attachment '" + f.filename() + "' is larger than 5 MB");
            }
            out.add(new PortalDesk.Upload(f.filename(), f.contentType(), f.contentAndClose(in -> {
                try {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })));
        }
        return out;
    }

    private void portalTicketPage(Context ctx) {
        Client c = ctx.attribute("client");
        long id = id(ctx, "id");
        Map<String, Object> m = new HashMap<>();
        PortalDesk.PortalTicket t = portal.ticket(c, id);
        m.put("c", chrome(ctx, "Ticket " + id));
        m.put("t", t);
        m.put("flash", takeFlash(ctx));
        html(ctx, 200, "web/portal/ticket.jte", m);
    }

    private void portalReply(Context ctx) {
        Client c = ctx.attribute("client");
        long id = id(ctx, "id");
        portal.reply(c, id, ctx.formParam("text"), uploads(ctx));
        live.nudge();
        putFlash(ctx, "Reply added.");
        redirect(ctx, "/portal/tickets/" + id);
    }

    private void clientAttachment(Context ctx) throws IOException {
        Client c = ctx.attribute("client");
        long id = id(ctx, "id");
        Attachment a = portal.attachment(c, id).orElseThrow(() -> new NotFoundException("no attachment"));
        sendAttachment(ctx, a, console.attachmentBytes(id).orElseThrow(() -> new NotFoundException("no attachment")));
    }
}
