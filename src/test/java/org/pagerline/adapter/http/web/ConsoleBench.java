package org.pagerline.adapter.http.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStatus;
import org.pagerline.testkit.TestDatabase;

/**
 * The console under load (scripts/bench-console): an H2 file database with 10,000 open tickets;
 * (1) server time to build the live views (one query a view, rendered once for every browser),
 * (2) a staff browser's GET /console and GET /console/views/tickets, (3) 200 live consoles
 * connected while tickets open and close and pages and acknowledgements flow (an urgent incident a
 * change, paged by the escalation engine, the one before it acknowledged): every console ends on the
 * server's last ticket and incident views (no lost update), and how long a change takes to reach all 200. Not part of {@code mvn verify}.
 */
public final class ConsoleBench {
    public static void main(String[] args) throws Exception {
        int tickets = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int consoles = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Path dir = Files.createTempDirectory("console-bench");
        try (WebRig rig = new WebRig(Duration.ofMillis(250), TestDatabase.fileIn(dir), consoles + 50)) {
            Instant t0 = rig.clock.instant();
            for (int done = 0; done < tickets; done += 1000) {
                int from = done;
                rig.db.transactions().run(s -> {
                    for (int i = from; i < Math.min(tickets, from + 1000); i++) {
                        s.tickets().insert(new Ticket(0, t0.minusSeconds(tickets - i), t0, TicketStatus.OPEN, TicketSource.PHONE,
                                org.pagerline.core.ticket.Priority.values()[i % 5], "+1204555" + String.format("%04d", i % 10000),
                                "Caller " + i, "Company " + (i % 50), null, "summary of ticket " + i));
                    }
                });
            }
            System.out.println(tickets + " open tickets in " + dir);

            long[] render = new long[200];
            for (int i = 0; i < 20; i++) {
                rig.web.renderViews();
            }
            for (int i = 0; i < render.length; i++) {
                long s = System.nanoTime();
                rig.web.renderViews();
                render[i] = System.nanoTime() - s;
            }
            print("(1) live views built (4 views, " + tickets + " open tickets)", render);

            WebRig.Browser b = rig.new Browser().staff("Tess Tech");
            for (String path : List.of("/console", "/console/views/tickets")) {
                long[] page = new long[500];
                for (int i = 0; i < 50; i++) {
                    b.get(path);
                }
                for (int i = 0; i < page.length; i++) {
                    long s = System.nanoTime();
                    if (b.get(path).statusCode() != 200) {
                        throw new AssertionError(path);
                    }
                    page[i] = System.nanoTime() - s;
                }
                print("(2) GET " + path + " round trip on loopback", page);
            }

            // (3) live consoles
            String cookie = null;
            for (var c : ((java.net.CookieManager) b.client.cookieHandler().orElseThrow()).getCookieStore().getCookies()) {
                if (c.getName().equals("pl_console")) {
                    cookie = c.getValue();
                }
            }
            HttpClient sse = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            System.out.println("session cookie found: " + (cookie != null));
            Map<Integer, String> last = new ConcurrentHashMap<>();
            AtomicInteger events = new AtomicInteger();
            Map<Integer, String> lastIncidents = new ConcurrentHashMap<>();
            AtomicInteger incidentEvents = new AtomicInteger();
            List<CompletableFuture<?>> streams = new ArrayList<>();
            for (int i = 0; i < consoles; i++) {
                int id = i;
                HttpRequest r = HttpRequest.newBuilder(URI.create(rig.base + "/console/events")).header("Accept", "text/event-stream").header("Cookie",
                        "pl_console=" + cookie).build();
                streams.add(sse.sendAsync(r, HttpResponse.BodyHandlers.ofLines()).whenComplete((x, err) -> {
                    if (err != null && id == 0) {
                        System.out.println("live console 0: " + err);
                    }
                }).thenAccept(resp -> {
                    if (resp.statusCode() != 200 && id == 0) {
                        System.out.println("live console 0 answered " + resp.statusCode());
                    }
                    String[] event = {null};
                    resp.body().forEach(line -> {
                        if (line.startsWith("event:")) {
                            event[0] = line.substring(6).trim();
                        } else if (line.startsWith("data:") && "tickets".equals(event[0])) {
                            last.put(id, line.substring(5).trim());
                            events.incrementAndGet();
                        } else if (line.startsWith("data:") && "incidents".equals(event[0])) {
                            lastIncidents.put(id, line.substring(5).trim());
                            incidentEvents.incrementAndGet();
                        }
                    });
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (rig.web.liveClients() < consoles && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.println("live consoles connected: " + rig.web.liveClients());
            // pages and acks flow: each change is a call's ticket with an urgent incident whose first
            // step pages Tess (the escalation engine, sending to a recording phone), and Tess
            // acknowledges the incident before it; the oldest ticket closes
            long tess = rig.services.roster().technician("Tess Tech").id();
            rig.services.roster().setRotation(new org.pagerline.service.RosterService.RotationSpec(
                    org.pagerline.core.roster.Role.PRIMARY, List.of("Tess Tech"), "1w", "09:00", "America/Winnipeg", null));
            org.pagerline.testkit.RecordingPageChannel phone = new org.pagerline.testkit.RecordingPageChannel(rig.clock);
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(2);
            org.pagerline.service.EscalationEngine engine = new org.pagerline.service.EscalationEngine(rig.db.transactions(),
                    rig.clock, Duration.ofMinutes(30), new org.pagerline.service.PageDispatcher(rig.db.transactions(), rig.clock,
                    phone.channels(), new org.pagerline.core.page.RateLimit(1_000_000, Duration.ofMinutes(10)),
                    new org.pagerline.core.page.DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3),
                    Duration.ofSeconds(10), senders).withBundleGaps(new org.pagerline.core.page.BundleGaps(Duration.ZERO,
                    Duration.ZERO))); // each incident's pages go at once (the bench's clock does not move)
            long[] reach = new long[changes];
            long previous = -1;
            for (int i = 0; i < changes; i++) {
                long s = System.nanoTime();
                Ticket t = rig.services.tickets().openOrReuse(TicketSource.PHONE, "+1204666" + String.format("%04d", i),
                        "Live " + i, "Acme Ltd", Duration.ZERO);
                long incident = rig.services.incidents().openFromVoicemail(new org.pagerline.service.VoicemailIncident(t.id(),
                        org.pagerline.core.ticket.Priority.P1, t.callerNumber(), "Live " + i, "Acme Ltd", t.callerNumber(), null,
                        rig.clock.instant()));
                engine.runDue();
                if (previous > 0) {
                    rig.services.incidents().acknowledge(previous, Long.toString(tess), "the bench");
                }
                long oldest = i + 1; // the first in the order received: at the top of every console's list
                rig.services.tickets().close(oldest, "closed by the bench");
                String mark = "/console/tickets/" + oldest + "\"";
                String paged = "id=\"incident-" + incident + "\"";
                String acked = previous > 0 ? "id=\"incident-" + previous + "\"" : null;
                // every console stops listing the ticket just closed, lists the new incident with its
                // pages sent, and shows the one before it acknowledged
                long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < giveUp) {
                    boolean all = last.size() == consoles && last.values().stream().noneMatch(v -> v.contains(mark))
                            && lastIncidents.size() == consoles && lastIncidents.values().stream().allMatch(v -> shows(v, paged,
                                    "page-sent") && (acked == null || shows(v, acked, "badge\">acknowledged")));
                    if (all) {
                        break;
                    }
                    Thread.sleep(5);
                }
                reach[i] = System.nanoTime() - s;
                if (System.nanoTime() >= giveUp) {
                    System.out.println("change " + i + ": not on every console after 60 s (lost?)");
                }
                previous = incident;
            }
            // the server's last views, once its ticker has rendered them (the desk no longer changes): on every console?
            String server = "";
            String serverIncidents = "";
            long same = 0;
            long sameIncidents = 0;
            long settle = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < settle && (same < consoles || sameIncidents < consoles)) {
                Thread.sleep(100);
                server = rig.web.liveViews().get("tickets").replace("\r", "").replace("\n", " ").trim();
                serverIncidents = rig.web.liveViews().get("incidents").replace("\r", "").replace("\n", " ").trim();
                same = last.values().stream().filter(server::equals).count();
                String si = serverIncidents;
                sameIncidents = lastIncidents.values().stream().filter(si::equals).count();
            }
            System.out.println("(3) " + consoles + " live consoles, " + changes + " changes (" + phone.all().size()
                    + " pages sent, " + (changes - 1) + " acknowledgements): " + same + " of " + consoles
                    + " end on the server's last ticket view, " + sameIncidents + " of " + consoles
                    + " on its last incident view (" + events.get() + " ticket-view and " + incidentEvents.get()
                    + " incident-view events received)");
            print("(3) change committed -> on all " + consoles + " consoles", reach);
            streams.forEach(f -> f.cancel(true));
            engine.close();
            senders.shutdownNow();
        }
    }

    /** The incident view shows the incident with {@code what} inside its article. */
    static boolean shows(String view, String incidentId, String what) {
        int at = view.indexOf(incidentId);
        if (at < 0) {
            return false;
        }
        int end = view.indexOf("</article>", at);
        return view.substring(at, end < 0 ? view.length() : end).contains(what);
    }

    static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%s: n=%d p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", what, s.length, s[s.length / 2] / 1e6,
                s[(int) (s.length * 0.9)] / 1e6, s[(int) Math.min(s.length - 1, s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
    }
}
