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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.BundleGaps;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.testkit.Eventually;

/**
 * A paging call carrying several urgent incidents (a bundle) through the real Asterisk 22: what
 * PagingCallScriptTest.aPagingCallCarryingSeveralIncidentsSaysHowManyAndKey9TakesThemAll holds with
 * the scripted fake.
 *
 * <p>The lab's server runs with no bundle gaps (its classes page the same four phones side by side,
 * and the carrier routes each paging call to the test whose incident it carries). This class sets a
 * voice gap on that server for the length of its test, so it runs on a lab of its own
 * ({@link AsteriskLab#LAB_C}, held for the class): no other test's page to Pat or Sam is held or
 * carried in this test's calls.
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(AsteriskLab.LAB_C)
class BundledPagingCallAsteriskIT {
    /**
     * Long enough for the two later incidents, opened just after the first page went to Pat, to be
     * held together behind it; short, as the test waits it out on real time.
     */
    private static final Duration VOICE_GAP = Duration.ofSeconds(20);

    private AsteriskLab lab;
    private final List<Long> incidents = new ArrayList<>();
    /** The urgent caller's call and the technician's unanswered phone: ended in {@link #backToNoGaps}. */
    private final List<Sipp.Run> callerRuns = new ArrayList<>();
    private final List<Map<String, String>> agiSeen = new CopyOnWriteArrayList<>();
    private final Consumer<Map<String, String>> listener = e -> {
        if ("AGIExecStart".equals(e.get("Event")) && "pagerline-page".equals(e.get("Context"))) {
            agiSeen.add(e);
        }
    };

    @BeforeEach
    void slowTheVoicePagesToOnePhone() {
        lab = AsteriskLab.get(AsteriskLab.LAB_C);
        // the lab's earlier classes leave incidents open, whose cycles go on paging Pat and Sam: with
        // the voice gap, such a page to Pat takes the turn the bundle waits for, and the two incidents
        // go as two calls (seen in two CI runs in a row, when this class ran last on its lab)
        for (var open : lab.services().incidents().list(1000, true)) {
            lab.services().incidents().resolve(open.id());
        }
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
        for (Sipp.Run r : callerRuns) {
            r.close();
        }
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
        // the first incident (a real urgent caller's message) pages Pat at once (Pat takes it with 4); the
        // next two, opened as soon as that call is handed over, wait out the gap behind it and go as ONE
        // call, routed to the caller of the page that carries it (whichever of the two that is): that
        // phone presses 9. The caller's side of an urgent message is UrgentCallAsteriskIT's; here the two
        // later incidents are opened from voicemails directly, so the test waits out a short gap only.
        try (var patFirst = lab.pagePhone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(4))
                        .press("4").thenWaitAtMost(ofSeconds(40)), first);
                var patSecond = lab.pagePhone(bundlePhone(), second);
                var patThird = lab.pagePhone(bundlePhone(), third)) {
            long a = urgentMessage(first);
            Eventually.await(ofSeconds(30), "the first incident's call to Pat handed over", () -> lab.services().incidents()
                    .show(a).pages().stream().anyMatch(p -> p.channel() == Channel.VOICE && AsteriskLab.PAT.equals(p.to())
                            && p.claimedAt() != null));
            String recording = lab.services().incidents().show(a).incident().recording();
            List<Long> bundled = List.of(voicemailOf(second, recording), voicemailOf(third, recording));
            patFirst.awaitSuccess(ofSeconds(120));
            callerRuns.get(1).awaitSuccess(ofSeconds(60));   // the urgent caller heard its call out
            assertEquals("Pat Lab", lab.services().incidents().show(a).incident().ownerName(), lab.timelineText(first));

            Eventually.await(VOICE_GAP.plus(ofSeconds(40)), "Pat's phone answering the bundled paging call",
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

    /**
     * An urgent caller nobody answers leaves a 7 s message; its incident, as soon as it exists (the
     * caller's call goes on to its end: {@code callerDone}).
     */
    private long urgentMessage(String caller) throws IOException {
        Sipp.Run tech = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer().thenWaitAtMost(ofSeconds(30)), caller);
        Sipp.Run call = lab.call(Sipp.Caller.urgentMessage(caller, "2", ofSeconds(7)));
        callerRuns.add(tech);
        callerRuns.add(call);
        Eventually.await(ofSeconds(120), "an incident on " + caller + "'s ticket",
                () -> lab.findTicket(caller).flatMap(t -> incidentOn(t.id())).isPresent());
        long id = incidentOn(lab.ticketOf(caller).id()).orElseThrow().id();
        incidents.add(id);
        return id;
    }

    /** An urgent P2 voicemail {@code caller} left (the first caller's recording), opened as the support line opens it. */
    private long voicemailOf(String caller, String recording) {
        Ticket t = lab.services().tickets().openOrReuse(TicketSource.PHONE, caller, "Lab Caller", "Lab", Duration.ZERO);
        long id = lab.services().incidents().openFromVoicemail(new VoicemailIncident(t.id(), Priority.P2, caller,
                "Lab Caller", "Lab", caller, recording, lab.services().clock().instant()));
        incidents.add(id);
        return id;
    }

    private Optional<Incident> incidentOn(long ticketId) {
        return lab.incidentsOf(ticketId).stream().findFirst();
    }
}
