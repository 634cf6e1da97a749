package org.pagerline.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake Twilio speaking the real protocol over HTTP on 127.0.0.1 (point twilio.api-url at
 * {@link #apiUrl()}). It serves the REST endpoints the SDK hits ({@code POST
 * /2010-04-01/Accounts/{sid}/Messages.json} and {@code Calls.json}, Basic auth checked, realistic
 * JSON answered), records every request, can be scripted to fail ({@link #failNext}), and sends
 * webhooks to pagerline signed exactly as Twilio signs them (HMAC-SHA1 with the auth token over the
 * public URL followed by the sorted form fields, Base64), or forged.
 *
 * <p>Scripted phones ({@link #phone}) read what was sent to them and drive the webhooks:
 * {@code phone.expectSms("ticket 12"); phone.reply("12a"); phone.expectCall(); phone.answer(); phone.press("1")}.
 * {@link #assertNoUnexpectedPages()} fails on any SMS or call no phone expected.
 */
public final class FakeTwilio implements AutoCloseable {
    public static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    public static final String AUTH_TOKEN = "fake-auth-token-4f1c9e2b7a";
    public static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern RESOURCE = Pattern.compile("/2010-04-01/Accounts/([^/]+)/(Messages|Calls)\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accountSid;
    private final String authToken;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-twilio");
        t.setDaemon(true);
        return t;
    });
    private final List<ApiRequest> requests = new ArrayList<>();
    private final ConcurrentLinkedDeque<Failure> failures = new ConcurrentLinkedDeque<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong sids = new AtomicLong(1);
    private final AtomicLong seqs = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String publicUrl;
    /** Every create (Messages, Calls) is answered this late, after the resource is created (a slow Twilio). */
    private volatile Duration answerAfter = Duration.ZERO;
    /** Run while a create waits for its slow answer, given the delay (e.g. to move a test's clock). */
    private volatile java.util.function.Consumer<Duration> whileSlow = d -> { };
    /** Twilio's clock, for date_created (a test's fake clock). */
    private volatile java.util.function.Supplier<java.time.Instant> clock = java.time.Instant::now;
    private volatile String pagerlineBase;

    public FakeTwilio(String accountSid, String authToken) throws IOException {
        this.accountSid = accountSid;
        this.authToken = authToken;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        server.start();
    }

    public static FakeTwilio start() throws IOException {
        return new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
    }

    /** The base URL for twilio.api-url. */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Where webhooks go: Twilio signs URLs under {@code publicUrl} (twilio.public-url, the proxy's
     * address) and this fake posts them to the same path under {@code localBase} (pagerline's HTTP port).
     */
    public FakeTwilio webhooksTo(String publicUrl, URI localBase) {
        this.publicUrl = publicUrl;
        this.pagerlineBase = localBase.toString().replaceAll("/$", "");
        return this;
    }

    // ---- the REST API --------------------------------------------------------------------------

    /** One request the SDK made, numbered in arrival order. {@code kind} is "Messages" or "Calls". */
    public record ApiRequest(long seq, String kind, String sid, String accountSid, Map<String, String> form, String authorization,
            int answeredStatus) {
        public String to() {
            return form.get("To");
        }

        public String from() {
            return form.get("From");
        }

        public String body() {
            return form.get("Body");
        }

        public String statusCallback() {
            return form.get("StatusCallback");
        }

        /** For calls: the TwiML URL. */
        public String url() {
            return form.get("Url");
        }
    }

    /** How the next API request fails. */
    public sealed interface Failure {
        /** A plain HTTP error with a non-Twilio body (a load balancer's 500 page). */
        record ServerError(int status) implements Failure {}

        /** Twilio's error JSON, e.g. 400 with code 21610. */
        record TwilioError(int status, int code, String message) implements Failure {}

        /** Holds the request this long before answering normally (past the client's timeout). */
        record Slow(Duration delay) implements Failure {}

        static Failure serverError() {
            return new ServerError(500);
        }

        static Failure twilioError(int status, int code, String message) {
            return new TwilioError(status, code, message);
        }

        static Failure slow(Duration d) {
            return new Slow(d);
        }
    }

    public static Failure serverError() {
        return Failure.serverError();
    }

    public static Failure twilioError(int status, int code, String message) {
        return Failure.twilioError(status, code, message);
    }

    public static Failure slow(Duration d) {
        return Failure.slow(d);
    }

    /**
     * Answers every create this late: Twilio creates the message or call at once and the answer
     * comes after {@code delay} (a client that times out first never learns the SID). {@code
     * whileSlow} runs before the wait with the delay (a test moves its fake clock by it).
     */
    public FakeTwilio answerAfter(Duration delay, java.util.function.Consumer<Duration> whileSlow) {
        this.answerAfter = delay;
        this.whileSlow = whileSlow;
        return this;
    }

    /** Twilio's clock for date_created (default the system clock). */
    public FakeTwilio clock(java.util.function.Supplier<java.time.Instant> clock) {
        this.clock = clock;
        return this;
    }

    /** Scripts the next API request (in order) to fail this way. */
    public FakeTwilio failNext(Failure f) {
        failures.add(f);
        return this;
    }

    /** A failure kept for the next request of one kind ("Messages" or "Calls") to one number. */
    private record Targeted(String kind, String to, Failure failure) {}

    private final List<Targeted> targeted = new ArrayList<>();

    /**
     * Scripts the next {@code kind} request ("Messages" or "Calls") to {@code to} to fail this way,
     * whatever else arrives first (pagerline sends pages in parallel, so "the next request" alone
     * would pick an arbitrary one). Queue it several times for several failures in a row.
     */
    public FakeTwilio failNextTo(String kind, String to, Failure f) {
        synchronized (targeted) {
            targeted.add(new Targeted(kind, to, f));
        }
        return this;
    }

    private Failure failureFor(String kind, Map<String, String> form) {
        synchronized (targeted) {
            for (java.util.Iterator<Targeted> it = targeted.iterator(); it.hasNext(); ) {
                Targeted t = it.next();
                if (t.kind().equals(kind) && t.to().equals(form.get("To"))) {
                    it.remove();
                    return t.failure();
                }
            }
        }
        return failures.poll();
    }

    /** Every API request so far, in arrival order. */
    public List<ApiRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            Matcher m = RESOURCE.matcher(ex.getRequestURI().getPath());
            if ("GET".equals(ex.getRequestMethod()) && m.matches()) {
                list(ex, m.group(1), m.group(2));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod()) || !m.matches()) {
                answer(ex, 404, error(20404, "The requested resource was not found", 404));
                return;
            }
            Map<String, String> form = parseForm(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
            Failure f = failureFor(m.group(2), form);
            int status = !expected.equals(auth) || !accountSid.equals(m.group(1)) ? 401
                    : f instanceof Failure.ServerError se ? se.status()
                    : f instanceof Failure.TwilioError te ? te.status() : 201;
            String sid = String.format("%s%032x", "Messages".equals(m.group(2)) ? "SM" : "CA", sids.getAndIncrement());
            Map<String, String> stored = new LinkedHashMap<>(form);
            stored.put("DateCreated", RFC_2822.format(clock.get().atOffset(java.time.ZoneOffset.UTC)));
            record(new ApiRequest(seqs.incrementAndGet(), m.group(2), sid, m.group(1), Collections.unmodifiableMap(stored), auth, status));
            if (status == 401) {
                answer(ex, 401, error(20003, "Authenticate", 401));
            } else if (f instanceof Failure.ServerError se) {
                answer(ex, se.status(), "<html><body>Internal Server Error</body></html>");
            } else if (f instanceof Failure.TwilioError te) {
                answer(ex, te.status(), error(te.code(), te.message(), te.status()));
            } else {
                if (f instanceof Failure.Slow slow) {
                    closing.await(slow.delay().toMillis(), TimeUnit.MILLISECONDS);
                }
                Duration late = answerAfter;
                if (!late.isZero()) {
                    whileSlow.accept(late);
                    closing.await(late.toMillis(), TimeUnit.MILLISECONDS);
                }
                answer(ex, 201, "Messages".equals(m.group(2)) ? message(sid, stored) : call(sid, stored));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (a scripted slow answer): nothing to do
        }
    }

    private static final java.time.format.DateTimeFormatter RFC_2822 =
            java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT);

    /**
     * {@code GET .../Messages.json} and {@code Calls.json}, as Twilio answers them: the resources
     * created (every create this fake accepted, slow answers included), newest first, filtered by
     * {@code To} and {@code From}, in Twilio's page envelope.
     */
    private void list(HttpExchange ex, String account, String kind) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization")) || !accountSid.equals(account)) {
            answer(ex, 401, error(20003, "Authenticate", 401));
            return;
        }
        String query = ex.getRequestURI().getRawQuery();
        Map<String, String> q = parseForm(query == null ? "" : query);
        List<Object> records = new ArrayList<>();
        List<ApiRequest> all = new ArrayList<>(requests());
        Collections.reverse(all);
        for (ApiRequest r : all) {
            if (r.kind().equals(kind) && r.answeredStatus() == 201
                    && (q.get("To") == null || q.get("To").equals(r.to()))
                    && (q.get("From") == null || q.get("From").equals(r.from()))) {
                String json = "Messages".equals(kind) ? message(r.sid(), r.form()) : call(r.sid(), r.form());
                records.add(JSON.readValue(json, Map.class));
            }
        }
        String uri = "/2010-04-01/Accounts/" + account + "/" + kind + ".json";
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("Messages".equals(kind) ? "messages" : "calls", records);
        page.put("end", Math.max(0, records.size() - 1));
        page.put("first_page_uri", uri + "?PageSize=50&Page=0");
        page.put("next_page_uri", null);
        page.put("page", 0);
        page.put("page_size", 50);
        page.put("previous_page_uri", null);
        page.put("start", 0);
        page.put("uri", uri + "?PageSize=50&Page=0");
        answer(ex, 200, JSON.writeValueAsString(page));
    }

    private void record(ApiRequest r) {
        synchronized (requests) {
            requests.add(r);
            requests.notifyAll();
        }
    }

    private String message(String sid, Map<String, String> form) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account_sid", accountSid);
        m.put("api_version", "2010-04-01");
        m.put("body", form.get("Body"));
        m.put("date_created", form.get("DateCreated"));
        m.put("date_sent", null);
        m.put("date_updated", form.get("DateCreated"));
        m.put("direction", "outbound-api");
        m.put("error_code", null);
        m.put("error_message", null);
        m.put("from", form.get("From"));
        m.put("messaging_service_sid", null);
        m.put("num_media", "0");
        m.put("num_segments", "1");
        m.put("price", null);
        m.put("price_unit", "USD");
        m.put("sid", sid);
        m.put("status", "queued");
        m.put("subresource_uris", Map.of("media", "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + "/Media.json"));
        m.put("to", form.get("To"));
        m.put("uri", "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json");
        return JSON.writeValueAsString(m);
    }

    private String call(String sid, Map<String, String> form) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account_sid", accountSid);
        m.put("api_version", "2010-04-01");
        m.put("date_created", form.get("DateCreated"));
        m.put("date_updated", form.get("DateCreated"));
        m.put("direction", "outbound-api");
        m.put("from", form.get("From"));
        m.put("from_formatted", form.get("From"));
        m.put("parent_call_sid", null);
        m.put("phone_number_sid", null);
        m.put("price", null);
        m.put("sid", sid);
        m.put("start_time", null);
        m.put("status", "queued");
        m.put("to", form.get("To"));
        m.put("to_formatted", form.get("To"));
        m.put("uri", "/2010-04-01/Accounts/" + accountSid + "/Calls/" + sid + ".json");
        return JSON.writeValueAsString(m);
    }

    private static String error(int code, String message, int status) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code);
        m.put("message", message);
        m.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        m.put("status", status);
        return JSON.writeValueAsString(m);
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", body.startsWith("<") ? "text/html" : "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    // ---- webhooks --------------------------------------------------------------------------

    /** pagerline's answer to a webhook. */
    public record WebhookResponse(int status, String body) {}

    /** X-Twilio-Signature as Twilio computes it: Base64(HMAC-SHA1(token, url + sorted key+value pairs)). */
    public static String signature(String authToken, String url, Map<String, String> form) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts a correctly signed webhook; {@code target} is a path with query, or a public URL. */
    public WebhookResponse post(String target, Map<String, String> form) {
        String path = pathOf(target);
        return postSigned(path, form, signature(authToken, publicUrl + path, form));
    }

    /** Posts a webhook signed with the wrong key (an attacker who does not have the token). */
    public WebhookResponse postForged(String target, Map<String, String> form) {
        String path = pathOf(target);
        return postSigned(path, form, signature("not-the-token", publicUrl + path, form));
    }

    /** Posts with this X-Twilio-Signature (null: no header at all). */
    public WebhookResponse postSigned(String target, Map<String, String> form, String signature) {
        Objects.requireNonNull(pagerlineBase, "call webhooksTo(publicUrl, localBase) first");
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(pagerlineBase + pathOf(target)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("User-Agent", "TwilioProxy/1.1")
                .POST(HttpRequest.BodyPublishers.ofString(encodeForm(form)));
        if (signature != null) {
            req.header("X-Twilio-Signature", signature);
        }
        try {
            HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new WebhookResponse(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String pathOf(String target) {
        if (target.startsWith("http://") || target.startsWith("https://")) {
            if (!target.startsWith(publicUrl)) {
                throw new AssertionError("webhook URL " + target + " is not under the public URL " + publicUrl);
            }
            return target.substring(publicUrl.length());
        }
        return target;
    }

    public static String encodeForm(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return b.toString();
    }

    String newSid(String prefix) {
        return String.format("%s%032x", prefix, 0x7000_0000L + sids.getAndIncrement());
    }

    String accountSid() {
        return accountSid;
    }

    // ---- scripted phones --------------------------------------------------------------------

    private final Map<String, FakePhone> phones = new LinkedHashMap<>();
    private final List<ApiRequest> consumed = Collections.synchronizedList(new ArrayList<>());

    /** The scripted phone with this E.164 number. */
    public synchronized FakePhone phone(String e164) {
        return phones.computeIfAbsent(e164, n -> new FakePhone(this, n));
    }

    /** Waits (bounded) for an API request nobody consumed yet that matches, and consumes it. */
    ApiRequest take(Predicate<ApiRequest> wanted, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (requests) {
            while (true) {
                for (ApiRequest r : requests) {
                    if (r.answeredStatus() == 201 && !consumed.contains(r) && wanted.test(r)) {
                        consumed.add(r);
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + what + " within " + WAIT.toSeconds() + "s; requests: " + requests);
                }
                try {
                    requests.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + what);
                }
            }
        }
    }

    /** Fails if any SMS or call was accepted that no phone expected. */
    public void assertNoUnexpectedPages() {
        List<ApiRequest> unexpected = new ArrayList<>();
        for (ApiRequest r : requests()) {
            if (r.answeredStatus() == 201 && !consumed.contains(r)) {
                unexpected.add(r);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new AssertionError("pages nobody expected: " + unexpected);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
