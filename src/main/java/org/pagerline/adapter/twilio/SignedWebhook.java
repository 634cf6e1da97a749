package org.pagerline.adapter.twilio;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.twilio.security.RequestValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.pagerline.service.WebhookLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Twilio webhook does before its own work: POST only, exact path, body size limit,
 * {@code X-Twilio-Signature} checked against {@code twilio.public-url} + path + query and the
 * posted fields (a bad or missing signature answers 403 and nothing else happens), then replay
 * protection for webhooks that act: the webhook's key is claimed in the {@link WebhookLedger}
 * before acting, so a replay (even a concurrent one) is answered with the first answer and acts
 * on nothing. If acting fails the claim is released, so Twilio's retry is acted on.
 */
abstract class SignedWebhook implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(SignedWebhook.class);
    static final int MAX_BODY = 64 * 1024;
    static final String TWIML = "application/xml";

    private final String path;
    private final WebhookPaths urls;
    private final RequestValidator validator;
    protected final WebhookLedger ledger;

    SignedWebhook(String path, WebhookPaths urls, String authToken, WebhookLedger ledger) {
        this.path = path;
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
    public final void handle(HttpExchange ex) throws IOException {
        String rawPath = ex.getRequestURI().getRawPath();
        if (!path.equals(rawPath)) {
            reply(ex, 404, "");
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST");
            reply(ex, 405, "");
            return;
        }
        try {
            String declared = ex.getRequestHeaders().getFirst("Content-Length");
            if (declared != null && declared.matches("\\d{1,18}") && Long.parseLong(declared) > MAX_BODY) {
                throw new FormData.BadForm(413, "body over " + MAX_BODY + " bytes");
            }
            Map<String, String> form = FormData.parse(FormData.readBody(ex.getRequestBody(), MAX_BODY));
            String rawQuery = ex.getRequestURI().getRawQuery();
            String signature = ex.getRequestHeaders().getFirst("X-Twilio-Signature");
            if (signature == null || !validator.validate(urls.signedUrl(rawPath, rawQuery), form, signature)) {
                log.warn("Twilio webhook {} refused: {} X-Twilio-Signature (from {})", rawPath,
                        signature == null ? "missing" : "bad", ex.getRemoteAddress().getAddress().getHostAddress());
                reply(ex, 403, "");
                return;
            }
            Request r = new Request(FormData.parse(rawQuery), form);
            reply(ex, 200, handleOnce(r));
        } catch (FormData.BadForm e) {
            log.warn("Twilio webhook {} refused: {}", rawPath, e.getMessage());
            reply(ex, e.status, "");
        } catch (RuntimeException e) {
            // answered here: the exchange must still be open to say 500 (Twilio then shows the error)
            log.error("Twilio webhook {} failed", rawPath, e);
            reply(ex, 500, "");
        }
    }

    private String handleOnce(Request r) throws FormData.BadForm {
        String key = replayKey(r);
        if (key == null) {
            return act(r);
        }
        Optional<String> earlier = ledger.claim(key);
        if (earlier.isPresent()) {
            log.info("Twilio webhook {} replayed ({}): answered again, not acted on", path, key);
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

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", TWIML + "; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }
}
