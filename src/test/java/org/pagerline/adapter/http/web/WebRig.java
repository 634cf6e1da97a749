package org.pagerline.adapter.http.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.pagerline.adapter.http.HttpEndpoint;
import org.pagerline.boot.Wiring;
import org.pagerline.config.HttpConfig;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.config.WebConfig;
import org.pagerline.core.directory.Client;
import org.pagerline.core.web.StaffRole;
import org.pagerline.service.ClientService;
import org.pagerline.service.EngineKick;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.Services;
import org.pagerline.service.web.ConsoleDesk;
import org.pagerline.service.web.Passwords;
import org.pagerline.service.web.PortalDesk;
import org.pagerline.service.web.Tokens;
import org.pagerline.service.web.WebSessions;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.TestDatabase;

/**
 * The web on a real HTTP server (127.0.0.1, a free port) over a fresh in-memory database built
 * the server's way ({@link Wiring#services}); sign-in links are caught instead of sent. The desk:
 * staff Tess (tech, also a technician), Lars (lead), Ada (admin); clients Jane (Acme Ltd,
 * jane@acme.example) and Bob (Bolt Inc, bob@bolt.example).
 */
final class WebRig implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    final MutableClock clock = MutableClock.at("2026-11-23T15:00:00Z");
    final TestDatabase db;
    final Services services;
    final HttpEndpoint http;
    final WebApp web;
    final String base;
    final List<String> links = new CopyOnWriteArrayList<>();
    final Client jane;
    final Client bob;

    WebRig() {
        this(Duration.ofMillis(100));
    }

    WebRig(Duration livePeriod) {
        this(livePeriod, TestDatabase.inMemory(), 64);
    }

    WebRig(Duration livePeriod, TestDatabase database, int connectionsPerAddress) {
        db = database;
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        PagerlineConfig config = PagerlineConfig.from(Settings.ofMap(Map.of("http.port", Integer.toString(port),
                "http.public-url", base)));
        services = Wiring.services(config, db.transactions(), clock, new EngineKick());
        Tokens tokens = new Tokens();
        PortalDesk portal = new PortalDesk(db.transactions(), clock, new PhoneNumbers("CA"), tokens,
                (client, email, link) -> {
                    links.add(link);
                    return "test";
                }, Runnable::run, services.tickets());
        web = new WebApp(config.web(), services, new ConsoleDesk(db.transactions(), clock, services), portal,
                services.web().staff(), new WebSessions(db.transactions(), clock, tokens, Duration.ofHours(12)), tokens,
                clock, Path.of("target/no-recordings"), livePeriod);
        http = new HttpEndpoint(new HttpConfig("127.0.0.1", port, Duration.ofSeconds(10), Duration.ofSeconds(30),
                connectionsPerAddress, 16));
        web.register(http);
        web.start();
        http.start();
        Passwords pw = new Passwords();
        services.roster().addTechnician(new org.pagerline.service.RosterService.NewTechnician("Tess Tech", "+12045550111",
                null, null, "America/Winnipeg"));
        services.web().staff().add("Tess Tech", StaffRole.TECH, pw.hash(PASSWORD.toCharArray()));
        services.web().staff().add("Lars Lead", StaffRole.LEAD, pw.hash(PASSWORD.toCharArray()));
        services.web().staff().add("Ada Admin", StaffRole.ADMIN, pw.hash(PASSWORD.toCharArray()));
        jane = services.clients().add(new ClientService.NewClient("Acme Ltd", "Jane Doe", List.of("+12045550123")));
        bob = services.clients().add(new ClientService.NewClient("Bolt Inc", "Bob Roe", List.of("+12045550124")));
        services.web().emails().set(Long.toString(jane.id()), "jane@acme.example");
        services.web().emails().set(Long.toString(bob.id()), "bob@bolt.example");
    }

    /** A browser-like HTTP client with its own cookies, sending the Origin a browser would. */
    final class Browser {
        final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        String csrf;
        String origin = base;

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            return r;
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
            String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&"));
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (origin != null) {
                b.header("Origin", origin);
            }
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A POST with this page's CSRF token. */
        HttpResponse<String> submit(String path, Map<String, String> form) throws IOException, InterruptedException {
            java.util.HashMap<String, String> f = new java.util.HashMap<>(form);
            if (csrf != null) {
                f.put("_csrf", csrf);
            }
            return post(path, f);
        }

        Browser staff(String name) throws IOException, InterruptedException {
            get("/console/signin");
            HttpResponse<String> r = submit("/console/signin", Map.of("name", name, "password", PASSWORD));
            if (r.statusCode() != 303) {
                throw new AssertionError("sign-in of " + name + " answered " + r.statusCode() + ": " + r.body());
            }
            get("/console");
            return this;
        }

        Browser client(String email) throws IOException, InterruptedException {
            get("/portal/signin");
            int before = links.size();
            submit("/portal/signin", Map.of("email", email));
            String link = links.get(before);
            String path = link.substring(base.length());
            get(path);
            HttpResponse<String> r = submit(path, Map.of());
            if (r.statusCode() != 303) {
                throw new AssertionError("portal link answered " + r.statusCode() + ": " + r.body());
            }
            get("/portal");
            return this;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        web.close();
        http.close();
        db.close();
    }
}
