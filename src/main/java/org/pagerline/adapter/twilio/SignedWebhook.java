package org.pagerline.adapter.twilio;

import com.twilio.security.RequestValidator;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.pagerline.service.LogText;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Twilio webhook does before its own work: POST only, exact path, a form body only
 * ({@code application/x-www-form-urlencoded}, else 415), body size limit,
 * {@code X-Twilio-Signature} checked against {@code twilio.public-url} + path + query and the
 * posted fields (a bad or missing signature answers 403 and nothing else happens; the warning is
 * rate-limited by {@link RefusalLog}), then replay
 * protection for webhooks that act: the webhook's key is claimed in the {@link WebhookLedger}
 * before acting, so a replay (even a concurrent one) is answered with the first answer and acts
 * on nothing. If acting fails the claim is released, so Twilio's retry is acted on.
 */
abstract class SignedWebhook implements Handler {
    private static final Logger log = LoggerFactory.getLogger(SignedWebhook.class);
    static final int MAX_BODY = 64 * 1024;
    static final String TWIML = "application/xml";

    private final String path;
    private final WebhookPaths urls;
    private final RequestValidator validator;
    protected final WebhookLedger ledger;
    private final RefusalLog refusals;

    SignedWebhook(String path, WebhookPaths urls, String authToken, WebhookLedger ledger, RefusalLog refusals) {
        this.path = path;
        this.refusals = refusals;
        this.urls = urls;
        this.validator = new RequestValidator(authToken);
        this.ledger = ledger;
    }

    /** A verified webhook: the query parameters and the posted form fields. */
    record Request(Map<String, String> query, Map<String, String> form) {
        String field(String name) {
            String v = form.get(name);
            return v == null ? "" : v;
        }

        /** The page id from {@code ?page=}; a missing or bad one is a 400. */
        long pageId() throws FormData.BadForm {
            return positive("page", query.get("page"), true);
        }

        int round() throws FormData.BadForm {
            return (int) positive("round", query.get("round"), false);
        }

        private static long positive(String name, String v, boolean required) throws FormData.BadForm {
            if (v == null) {
                if (required) {
                    throw new FormData.BadForm(400, "missing " + name);
                }
                return 1;
            }
            try {
                long n = Long.parseLong(v);
                if (n > 0 && (required || n <= 100)) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error
            }
            throw new FormData.BadForm(400, "bad " + name);
        }
    }

    /** The key a replay of this webhook would repeat, or null when handling it twice is harmless. */
    abstract String replayKey(Request r) throws FormData.BadForm;

    /** Does the work and returns the TwiML to answer. */
    abstract String act(Request r) throws FormData.BadForm;

    @Override
    public final void handle(Context ctx) {
        String rawPath = ctx.req().getRequestURI();
        if (!path.equals(rawPath)) {
            reply(ctx, 404, "");
            return;
        }
        if (!"POST".equals(ctx.req().getMethod())) {
            ctx.header("Allow", "POST");
            reply(ctx, 405, "");
            return;
        }
        boolean signed = false;
        try {
            if (!formEncoded(ctx.req().getContentType())) {
                // Twilio posts forms only; anything else is not read, let alone acted on
                throw new FormData.BadForm(415, "Content-Type " + LogText.of(ctx.req().getContentType())
                        + " is not application/x-www-form-urlencoded");
            }
            String declared = ctx.req().getHeader("Content-Length");
            if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > MAX_BODY) {
                throw new FormData.BadForm(413, "body over " + MAX_BODY + " bytes");
            }
            // the HTTP endpoint has read the body already, within its time limit (Javalin keeps it)
            Map<String, String> form = FormData.parse(FormData.readBody(new java.io.ByteArrayInputStream(ctx.bodyAsBytes()),
                    MAX_BODY));
            String rawQuery = ctx.req().getQueryString();
            String signature = ctx.req().getHeader("X-Twilio-Signature");
            if (signature == null || !validator.validate(urls.signedUrl(rawPath, rawQuery), form, signature)) {
                refusals.refused(rawPath, (signature == null ? "missing" : "bad") + " X-Twilio-Signature",
                        ctx.req().getRemoteAddr());
                reply(ctx, 403, "");
                return;
            }
            signed = true;
            Request r = new Request(FormData.parse(rawQuery), form);
            reply(ctx, 200, handleOnce(r));
        } catch (FormData.BadForm e) {
            if (signed) {
                log.warn("Twilio webhook {} refused: {}", rawPath, e.getMessage());
            } else {
                // not known to come from Twilio: as rate-limited as a forged signature
                refusals.refused(rawPath, e.getMessage(), ctx.req().getRemoteAddr());
            }
            if (e.status == 413 || e.status == 415) {
                drain(ctx); // so the client, still sending, reads the answer rather than a reset
            }
            reply(ctx, e.status, "");
        } catch (IOException e) {
            // the client went away while sending its body: nothing was read, nothing acted on
            log.debug("Twilio webhook {}: body not read ({})", rawPath, e.toString());
            reply(ctx, 400, "");
        } catch (RuntimeException e) {
            // answered here: the exchange must still be open to say 500 (Twilio then shows the error)
            log.error("Twilio webhook {} failed", rawPath, e);
            reply(ctx, 500, "");
        }
    }

    /** Reads and drops what is left of a refused body, up to 1 MB; past that the connection just closes. */
    private static void drain(Context ctx) {
        try {
            byte[] buf = new byte[8192];
            long left = 1 << 20;
            int n;
            while (left > 0 && (n = ctx.req().getInputStream().read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            log.debug("refused body not drained: {}", e.toString());
        }
    }

    /** application/x-www-form-urlencoded, with or without parameters (charset), in any case. */
    static boolean formEncoded(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.equalsIgnoreCase("application/x-www-form-urlencoded");
    }

    private String handleOnce(Request r) throws FormData.BadForm {
        String key = replayKey(r);
        if (key == null) {
            return act(r);
        }
        Optional<String> earlier = ledger.claim(key);
        if (earlier.isPresent()) {
            log.info("Twilio webhook {} replayed ({}): answered again, not acted on", path, LogText.of(key));
            return earlier.get().isEmpty() ? Twiml.emptyMessaging() : earlier.get();
        }
        String answer;
        try {
            answer = act(r);
        } catch (RuntimeException | FormData.BadForm e) {
            ledger.release(key);
            throw e;
        }
        ledger.finish(key, answer);
        return answer;
    }

    private static void reply(Context ctx, int status, String body) {
        ctx.status(status).contentType(TWIML + "; charset=utf-8").result(body);
    }
}
