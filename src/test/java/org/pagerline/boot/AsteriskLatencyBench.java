package org.pagerline.boot;

import static java.time.Duration.ofSeconds;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pagerline.core.incident.Incident;
import org.pagerline.service.IncidentService;
import org.pagerline.testkit.Eventually;

/**
 * Latencies through the real Asterisk 22 of the lab (scripts/bench-asterisk; not part of mvn verify):
 * (1) the caller's last urgent key (the priority) to the on-call technician's phone ringing (the
 * SIPp phone receiving the INVITE), and the part of it after pagerline's "Please hold while we
 * connect you" prompt; (2) the urgent voicemail saved (the incident's opening, in the same
 * transaction) to the first paging call ringing (the PBX seeing the carrier's 180 Ringing on the
 * channel pagerline originated for the page). Calls run {@code parallel} at a time.
 */
public final class AsteriskLatencyBench {
    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        AsteriskLab lab = AsteriskLab.get();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);

        // (1) urgent key -> technician's phone ringing
        Map<String, Instant> dialAt = new ConcurrentHashMap<>();
        lab.onEvent(e -> {
            if ("AGIExecStart".equals(e.get("Event")) && e.getOrDefault("Command", "").startsWith("EXEC \"Dial\"")) {
                dialAt.put(e.get("CallerIDNum"), amiTime(e));
            }
        });
        List<Future<long[]>> ring = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            ring.add(pool.submit(() -> {
                String me = lab.newCaller();
                try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer(), me);
                        var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("1")
                                .pause(ofSeconds(7)).hangUp())) {
                    call.awaitSuccess(ofSeconds(90));
                    Instant key = call.event("key-1#2").orElseThrow();
                    Instant invite = pat.event("invite").orElseThrow(() -> new AssertionError("Pat's phone did not ring"));
                    return new long[] {micros(key, invite), micros(dialAt.get(me), invite)};
                }
            }));
        }
        List<Long> keyToRing = new ArrayList<>();
        List<Long> dialToRing = new ArrayList<>();
        for (Future<long[]> f : ring) {
            long[] r = f.get();
            keyToRing.add(r[0]);
            dialToRing.add(r[1]);
        }
        resolveAll(lab);

        // (2) voicemail saved -> first paging call ringing (Pat has no phone: busy at once, so the
        // caller goes straight to the message; the policy pages Sam alone)
        lab.services().incidents().setPolicy(List.of("0m SECONDARY"), "10m");
        Map<String, String> pageOfChannel = new ConcurrentHashMap<>();
        Map<Long, Instant> pageRinging = new ConcurrentHashMap<>();
        lab.onEvent(e -> {
            if ("VarSet".equals(e.get("Event")) && "PAGERLINE_PAGE_ID".equals(e.get("Variable"))) {
                pageOfChannel.put(e.get("Channel"), e.get("Value"));
            } else if ("Newstate".equals(e.get("Event")) && "5".equals(e.get("ChannelState"))
                    && pageOfChannel.containsKey(e.get("Channel"))) {
                pageRinging.putIfAbsent(Long.parseLong(pageOfChannel.get(e.get("Channel"))), amiTime(e));
            }
        });
        List<Long> savedToRing = Collections.synchronizedList(new ArrayList<>());
        try (var sam = lab.phone(new Sipp.Phone(AsteriskLab.SAM).neverAnswer().calls(calls * 3), null)) {
            List<Future<?>> vm = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                vm.add(pool.submit(() -> {
                    String me = lab.newCaller();
                    try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("1")
                            .when("callback-confirm").press("1").when("record").talk(ofSeconds(1)).press("#"))) {
                        call.awaitSuccess(ofSeconds(120));
                    }
                    long ticket = lab.ticketOf(me).id();
                    Incident inc = lab.services().incidents().list(1000, false).stream().filter(x -> x.ticketId() == ticket)
                            .findFirst().orElseThrow();
                    Eventually.await(ofSeconds(30), "a paging call for incident " + inc.id() + " ringing", () -> firstRing(lab, inc, pageRinging) != null);
                    savedToRing.add(micros(inc.openedAt(), firstRing(lab, inc, pageRinging)));
                    lab.services().incidents().resolve(inc.id());
                    return null;
                }));
            }
            for (Future<?> f : vm) {
                f.get();
            }
        }
        pool.shutdown();
        System.out.println("(1) urgent key -> technician's phone ringing, " + keyToRing.size() + " calls: " + stats(keyToRing));
        System.out.println("    of which Dial -> ringing (after the 'please hold' prompt): " + stats(dialToRing));
        System.out.println("(2) voicemail saved -> first paging call ringing, " + savedToRing.size() + " incidents: " + stats(savedToRing));
        System.exit(0);
    }

    private static Instant firstRing(AsteriskLab lab, Incident inc, Map<Long, Instant> pageRinging) {
        IncidentService.IncidentView v = lab.services().incidents().show(inc.id());
        return v.pages().stream().map(p -> pageRinging.get(p.id())).filter(java.util.Objects::nonNull).min(Instant::compareTo)
                .orElse(null);
    }

    private static void resolveAll(AsteriskLab lab) {
        for (Incident i : lab.services().incidents().list(1000, true)) {
            lab.services().incidents().resolve(i.id());
        }
    }

    private static Instant amiTime(Map<String, String> e) {
        String[] t = e.get("Timestamp").split("\\.");
        return Instant.ofEpochSecond(Long.parseLong(t[0]), Long.parseLong((t[1] + "000000").substring(0, 9)));
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1000;
    }

    private static String stats(List<Long> micros) {
        List<Long> s = new ArrayList<>(micros);
        Collections.sort(s);
        return String.format("p50 %.0f ms, p99 %.0f ms (min %.0f, max %.0f)", s.get((int) Math.ceil(s.size() * 0.50) - 1) / 1000.0,
                s.get((int) Math.ceil(s.size() * 0.99) - 1) / 1000.0, s.get(0) / 1000.0, s.get(s.size() - 1) / 1000.0);
    }
}
