package org.pagerline.adapter.http.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.pagerline.config.WebConfig;
import org.pagerline.core.web.WebSession;
import org.pagerline.service.web.Tokens;
import org.pagerline.service.web.WebSessions;

/**
 * Cookies, CSRF and Origin for the console and the portal.
 *
 * <ul>
 * <li>Session cookies: HttpOnly, SameSite=Lax, Path=/console or /portal, Secure when
 *     {@code http.public-url} is https; the value is a random token, the database keeps its hash.
 * <li>Every POST carries a CSRF token: the session's (form field {@code _csrf}, or header
 *     {@code X-CSRF-Token} for htmx, set once on the page's body with {@code hx-headers}); before
 *     sign-in, a per-browser token in its own cookie (double submit).
 * <li>Every POST's Origin (or, without one, its Referer) must be {@code http.public-url}'s.
 * </ul>
 */
final class WebSecurity {
    static final String CONSOLE_COOKIE = "pl_console";
    static final String PORTAL_COOKIE = "pl_portal";
    static final String PRE_COOKIE = "pl_pre";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private final WebConfig config;
    private final WebSessions sessions;
    private final Tokens tokens;

    WebSecurity(WebConfig config, WebSessions sessions, Tokens tokens) {
        this.config = config;
        this.sessions = sessions;
        this.tokens = tokens;
    }

    static boolean readOnly(Context ctx) {
        String m = ctx.req().getMethod();
        return "GET".equals(m) || "HEAD".equals(m);
    }

    String cookieHeader(String name, String value, String path, long maxAgeSeconds) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (config.https() ? "; Secure" : "");
    }

    void setCookie(Context ctx, String name, String value, String path, long maxAgeSeconds) {
        ctx.res().addHeader("Set-Cookie", cookieHeader(name, value, path, maxAgeSeconds));
    }

    void clearCookie(Context ctx, String name, String path) {
        setCookie(ctx, name, "", path, 0);
    }

    Optional<WebSession> session(Context ctx, String cookie, WebSession.Kind kind) {
        return Optional.ofNullable(ctx.cookie(cookie)).flatMap(sessions::find).filter(s -> s.kind() == kind);
    }

    /**
     * The Origin check: a POST's Origin must be {@code http.public-url}'s; a browser that sends none
     * must send a Referer under it; with neither, the request is refused.
     */
    boolean originOk(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null) {
            return origin.equals(config.origin());
        }
        String referer = ctx.header("Referer");
        return referer != null && (referer.equals(config.publicUrl()) || referer.startsWith(config.publicUrl() + "/"));
    }

    /** The CSRF token the request carries (form field, else header). */
    static String presented(Context ctx) {
        String h = ctx.header(CSRF_HEADER);
        if (h != null) {
            return h;
        }
        String type = ctx.req().getContentType();
        if (type != null && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"))) {
            return ctx.formParam(CSRF_FIELD);
        }
        return null;
    }

    static boolean same(String expected, String presented) {
        return expected != null && presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The pre-sign-in CSRF token of this browser, set in its cookie if it has none yet. */
    String preToken(Context ctx) {
        String t = ctx.cookie(PRE_COOKIE);
        if (!Tokens.plausible(t)) {
            t = tokens.next();
            setCookie(ctx, PRE_COOKIE, t, "/", 86_400);
        }
        return t;
    }

    boolean preTokenOk(Context ctx) {
        String t = ctx.cookie(PRE_COOKIE);
        return Tokens.plausible(t) && same(t, presented(ctx));
    }

    /** The client's address for rate limits (the socket's: behind a proxy, the proxy's). */
    static String address(Context ctx) {
        return ctx.req().getRemoteAddr();
    }
}
