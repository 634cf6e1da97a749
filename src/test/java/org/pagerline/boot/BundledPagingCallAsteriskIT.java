package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.BundleGaps;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.testkit.Eventually;

/**
 * A paging call carrying several urgent incidents (a bundle) through the real Asterisk 22: what
 * PagingCallScriptTest.aPagingCallCarryingSeveralIncidentsSaysHowManyAndKey9TakesThemAll holds with
 * the scripted fake.
 *
 * <p>The lab's server runs with no bundle gaps (its classes page the same four phones side by side,
 * and the carrier routes each paging call to the test whose incident it carries). This class sets a
 * voice gap on that server for the length of its test, so it runs alone ({@link Isolated}): no other
 * test's page to Pat or Sam is held or carried in this test's calls.
 */
@Tag("asterisk")
@Isolated("sets the lab server's voice bundle gap: every other test's paging calls would be paced by it")
class BundledPagingCallAsteriskIT {
    /** Long enough for two urgent messages to be left after the first page went to Pat, on a busy machine. */
    private static final Duration VOICE_GAP = Duration.ofSeconds(90);

    private AsteriskLab lab;
    private final List<Long> incidents = new ArrayList<>();
    private final List<Map<String, String>> agiSeen = new CopyOnWriteArrayList<>();
    private final Consumer<Map<String, String>> listener = e -> {
        if ("AGIExecStart".equals(e.get("Event")) && "pagerline-page".equals(e.get("Context"))) {
            agiSeen.add(e);
        }
    };

    @BeforeEach
    void slowTheVoicePagesToOnePhone() {
        lab = AsteriskLab.get();
        lab.onEvent(listener);
        lab.server.bundleGaps(new BundleGaps(Duration.ZERO, VOICE_GAP));
    }

    @AfterEach
    void backToNoGaps() {
        if (lab == null) {
            return; // skipped: no lab on this machine
        }
        lab.server.bundleGaps(new BundleGaps(Duration.ZERO, Duration.ZERO));
        lab.removeEventListener(listener);
        for (long id : incidents) {
            if (lab.services().incidents().show(id).incident().state() != IncidentState.RESOLVED) {
                lab.services().incidents().resolve(id);
            }
        }
    }

    @Test
    void aPagingCallCarryingTwoUrgentIncidentsSaysHowManyAndKey9TakesBoth() throws Exception {
        String first = lab.newCaller();
        String second = lab.newCaller();
        String third = lab.newCaller();
        // the first incident's paging call goes to Pat at once (Pat takes it with 4); the next two,
        // left within the gap, wait for it and go as ONE call, routed to the caller of the page that
        // carries it (whichever of the two incidents that is): that phone presses 9
        try (var patFirst = lab.pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(4))
                        .press("4").thenWaitAtMost(ofSeconds(40)), first);
                var patSecond = lab.pagePhone(bundlePhone(), second);
                var patThird = lab.pagePhone(bundlePhone(), third)) {
            long a = urgentMessages(List.of(first)).get(0);
            List<Long> bundled = urgentMessages(List.of(second, third));
            patFirst.awaitSuccess(ofSeconds(120));
            assertEquals("Pat Lab", lab.services().incidents().show(a).incident().ownerName(), lab.timelineText(first));

            Eventually.await(VOICE_GAP.plus(ofSeconds(60)), "Pat's phone answering the bundled paging call",
                    () -> patSecond.event("answered").isPresent() || patThird.event("answered").isPresent());
            Sipp.Run rang = patSecond.event("answered").isPresent() ? patSecond : patThird;
            Sipp.Run idle = rang == patSecond ? patThird : patSecond;
            rang.awaitSuccess(ofSeconds(90));
            Eventually.await(ofSeconds(20), "both incidents acknowledged", () -> bundled.stream()
                    .allMatch(id -> lab.services().incidents().show(id).incident().state() == IncidentState.ACKNOWLEDGED));

            String stories = lab.timelineText(second) + "\n" + lab.timelineText(third);
            for (long id : bundled) {
                var shown = lab.services().incidents().show(id);
                assertEquals(IncidentState.ACKNOWLEDGED, shown.incident().state(), stories);
                assertEquals("Pat Lab", shown.incident().ownerName(), stories);
                // nobody past the first step (Pat, Sam) was paged for it
                for (Page p : shown.pages()) {
                    assertTrue(Set.of(AsteriskLab.PAT, AsteriskLab.SAM).contains(p.to()), "paged " + p + "\n" + stories);
                }
                // Pat's voice page of each incident went out in one paging call
                assertEquals(1, shown.pages().stream().filter(p -> p.channel() == Channel.VOICE && AsteriskLab.PAT.equals(p.to())
                        && p.kind() == org.pagerline.core.page.PageKind.PAGE).count(), stories);
            }
            assertTrue(stories.contains("PAGE_BUNDLED"), stories);
            assertTrue(idle.event("invite").isEmpty(), "one paging call to Pat for both: " + idle.events());

            // it said how many ("2 urgent incidents are waiting for you...") on that call
            Set<String> channels = new HashSet<>(lab.pagingChannelsOf(second));
            channels.addAll(lab.pagingChannelsOf(third));
            List<String> ran = agiSeen.stream().filter(e -> channels.contains(e.get("Channel")))
                    .map(e -> e.getOrDefault("Command", "")).toList();
            assertTrue(ran.stream().anyMatch(c -> c.matches("SAY NUMBER \"?2\"?.*")), ran.toString());
            assertTrue(ran.stream().anyMatch(c -> c.contains("pagerline/page-several")), ran.toString());
            assertTrue(ran.stream().anyMatch(c -> c.contains("pagerline/page-acknowledged")), ran.toString());
        }
    }

    /** Pat's phone for the bundled call: answers and presses 9 while the page is still being played. */
    private static Sipp.Phone bundlePhone() {
        return new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5)).press("9")
                .thenWaitAtMost(ofSeconds(40));
    }

    /** Urgent callers (side by side) nobody answers leave 7 s messages; their incidents, in the callers' order. */
    private List<Long> urgentMessages(List<String> callers) throws IOException {
        List<Sipp.Run> runs = new ArrayList<>();
        try {
            for (String me : callers) {
                runs.add(lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), me));
                runs.add(lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(7)).press("#")));
            }
            for (int i = 1; i < runs.size(); i += 2) {
                runs.get(i).awaitSuccess(ofSeconds(120));
            }
        } finally {
            for (Sipp.Run r : runs) {
                r.close();
            }
        }
        List<Long> out = new ArrayList<>();
        for (String me : callers) {
            long ticket = lab.ticketOf(me).id();
            Eventually.await(Duration.ofSeconds(10), "an incident on ticket " + ticket, () -> lab.services().incidents()
                    .list(500, false).stream().anyMatch(i -> i.ticketId() == ticket));
            Incident i = lab.services().incidents().list(500, false).stream().filter(x -> x.ticketId() == ticket)
                    .findFirst().orElseThrow();
            incidents.add(i.id());
            out.add(i.id());
        }
        return out;
    }
}
