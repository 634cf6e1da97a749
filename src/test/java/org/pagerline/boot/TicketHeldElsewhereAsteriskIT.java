package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.TicketSource;

/**
 * A caller's ticket held by another transaction (a frozen node's, a lock taken by hand), through a
 * real Asterisk 22: the dialplan's fallback voicemail takes a caller pagerline cannot serve, the
 * other callers are served meanwhile, and an on-call technician who presses 1 is put through at
 * most line.hold-after (2 s) after the key, or, if they hang up in that silence, not taken for
 * having put the caller through.
 */
@Tag("asterisk")
// On a lab of its own: the fault it makes (callers' ticket rows locked) holds up those callers
// alone (the third test shows it, the tests side by side), but the lab's barrier
// (AsteriskLab.awaitCallsSaved: every call's lines written) waits for their pieces too, so another
// class's test reading a timeline would wait out the locks (CI, 2026-12-07 08:28). Its own tests
// wait for their own tickets' lines, so they share the lock (READ) and run side by side.
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = AsteriskLab.LAB_C, mode = ResourceAccessMode.READ)
class TicketHeldElsewhereAsteriskIT {

    @Test
    void whenPagerlineFailsTheCallerIsToldAndTheFallbackRecordsTheirMessageInTheSpool() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        // A real fault: pagerline cannot start the call (the line gives up at its wait limit, or H2's
        // lock timeout, 10 s, fails the start) and says FAILED.
        String me = callWithTheirTicketLocked(lab, ofSeconds(4));
        assertEquals("FAILED", lab.resultAtHangup(me));
        Path folder = lab.spool().resolve("pagerline/fallback");
        List<Path> mine;
        try (var files = Files.list(folder)) {
            mine = files.filter(p -> p.getFileName().toString().contains("-" + AsteriskLab.digits(me) + "-")).toList();
        }
        assertEquals(1, mine.size(), "one fallback recording for the caller in " + folder + ":\n" + String.join("\n", lab.dialplan(me)));
        assertTrue(Files.size(mine.get(0)) > 8000 * 2 * 2, "the caller's words were kept although they hung up");
    }

    @Test
    void aCallerWhoseTicketCannotBeWrittenHearsOneMomentAndTheFallbackTakesThemAtTheWaitLimit() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        // pagerline cannot write the call's start (H2 would give up on the lock after 10 s; PostgreSQL,
        // with no lock timeout, never)
        String me = callWithTheirTicketLocked(lab, ofSeconds(2));
        assertEquals("FAILED", lab.resultAtHangup(me));
        List<AsteriskLab.Step> steps = lab.steps(me);
        String shown = AsteriskLab.shown(steps);
        // what the caller heard between the greeting's end and the line giving up: never more than the
        // hold-after (2 s) of silence, and the fallback at the wait limit (5 s in the lab), not at H2's
        // lock timeout (10 s after the start, 7 s of silence after the greeting before this change)
        int greetingEnd = AsteriskLab.index(steps, "agi GET VARIABLE PLAYBACKSTATUS", AsteriskLab.index(steps, "agi EXEC Playback pagerline/greeting", 0, shown), shown);
        int failed = AsteriskLab.index(steps, "agi SET VARIABLE PAGERLINE_RESULT FAILED", greetingEnd, shown);
        int held = AsteriskLab.index(steps, "agi EXEC Playback pagerline/one-moment", greetingEnd, shown);
        assertTrue(held < failed, "the caller heard the hold prompt before the line gave up:\n" + shown);
        long longestSilence = 0;
        for (int i = greetingEnd; i < failed; i++) {
            longestSilence = Math.max(longestSilence, steps.get(i + 1).nanos() - steps.get(i).nanos());
        }
        assertTrue(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(longestSilence) < 3_000,
                "the longest silence after the greeting " + longestSilence / 1_000_000 + " ms:\n" + shown);
        long gaveUp = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(steps.get(failed).nanos() - steps.get(greetingEnd).nanos());
        assertTrue(gaveUp >= AsteriskLab.WAIT_LIMIT.toMillis() - 100 && gaveUp < AsteriskLab.WAIT_LIMIT.toMillis() + 1_500,
                "the line gave up " + gaveUp + " ms after the greeting:\n" + shown);
        assertTrue(lab.reachedFallback(me), "the fallback voicemail took the caller:\n" + shown);
    }

    @Test
    void callersWhoseTicketsAreHeldHoldUpNoOtherCallersStart() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        String ann = lab.newCaller();
        String bo = lab.newCaller();
        String cy = lab.newCaller();
        try (Connection annsTicket = lockedTicketOf(lab, ann); Connection bosTicket = lockedTicketOf(lab, bo);
                var annCalls = lab.call(new Sipp.Caller(ann).when("app:Record").talk(ofSeconds(2)).hangUp());
                var boCalls = lab.call(new Sipp.Caller(bo).when("app:Record").talk(ofSeconds(2)).hangUp())) {
            // both held on their tickets: before, each one's start held one of the journal's two
            // writers of starts, and every other caller's start waited behind them
            lab.awaitStep(ann, "agi EXEC Playback pagerline/one-moment", ofSeconds(30));
            lab.awaitStep(bo, "agi EXEC Playback pagerline/one-moment", ofSeconds(30));
            try (var cyCalls = lab.call(new Sipp.Caller(cy).when("urgent-or-not").hangUp())) {
                try {
                    lab.awaitStep(cy, "agi GET DATA pagerline/urgent-or-not", ofSeconds(20));
                } catch (AssertionError e) {
                    throw new AssertionError("Cy never heard the menu (sent to the fallback: " + lab.reachedFallback(cy)
                            + "):\n" + AsteriskLab.shown(lab.steps(cy)), e);
                }
                cyCalls.awaitSuccess(ofSeconds(60));
            } finally {
                annCalls.awaitSuccess(ofSeconds(60));
                boCalls.awaitSuccess(ofSeconds(60));
                annsTicket.rollback();
                bosTicket.rollback();
            }
        }
        List<AsteriskLab.Step> steps = lab.steps(cy);
        String shown = AsteriskLab.shown(steps);
        assertTrue(steps.stream().noneMatch(s -> s.what().startsWith("agi EXEC Playback pagerline/one-moment")),
                "Cy was never put on hold:\n" + shown);
        int greetingEnd = AsteriskLab.index(steps, "agi GET VARIABLE PLAYBACKSTATUS", AsteriskLab.index(steps, "agi EXEC Playback pagerline/greeting", 0, shown), shown);
        int menu = AsteriskLab.index(steps, "agi GET DATA pagerline/urgent-or-not", greetingEnd, shown);
        long waited = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(steps.get(menu).nanos() - steps.get(greetingEnd).nanos());
        assertTrue(waited < 1_000, "Cy heard the menu " + waited + " ms after the greeting:\n" + shown);
        assertTrue(!lab.reachedFallback(cy), "Cy was served, not sent to the fallback:\n" + shown);
        assertEquals("FAILED", lab.resultAtHangup(ann), "Ann's ticket stayed held: the fallback took her");
    }

    @Test
    void aTechnicianWhoPressesOneWhileTheCallersTicketIsHeldIsPutThroughWithinTheHoldAfter() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        String me = lab.newCaller();
        Long acceptedWhileHeld;
        long ticket;
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                        .press("1").pause(ofSeconds(6)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .thenWaitAtMost(ofSeconds(40)))) {
            lab.awaitStep(me, "agi EXEC Dial", ofSeconds(30));
            ticket = ticketOf(lab, me); // the lab's barrier would wait for the class's other held tickets
            long callId;
            try (Connection frozen = lab.holdingTicket(ticket)) {
                try {
                    // before: Pat heard silence after the key until the ticket was free, and hung up
                    // (the caller was never put through, and the test's wait for the call ran out)
                    pat.awaitSuccess(ofSeconds(60));
                    call.awaitSuccess(ofSeconds(60));
                    callId = lab.services().calls().callsOf(ticket).get(0).id();
                    acceptedWhileHeld = lab.services().calls().find(callId).map(CallRecord::acceptedBy).orElse(null);
                } finally {
                    frozen.rollback();
                }
            }
            assertTrue(pat.event("key-1").isPresent(), "Pat pressed 1: " + pat.events());
        }
        List<AsteriskLab.Step> steps = lab.steps(me);
        String shown = AsteriskLab.shown(steps);
        assertNull(acceptedWhileHeld, "the acceptance was not written while the ticket was held (else this shows nothing)");
        assertEquals("CONNECTED", lab.resultAtHangup(me), "the caller was put through:\n" + shown);
        // the technician's silence: from pagerline's look at the caller after the key, to the acceptance
        int key = AsteriskLab.index(steps, "tech agi GET VARIABLE IMPORT(", 0, shown);
        int accepted = AsteriskLab.index(steps, "tech agi SET VARIABLE PAGERLINE_ACCEPTED 1", key, shown);
        long silence = TimeUnit.NANOSECONDS.toMillis(steps.get(accepted).nanos() - steps.get(key).nanos());
        assertTrue(silence < 4_000, "Pat waited " + silence + " ms in silence after pressing 1:\n" + shown);

        String timeline = timelineOnceItSays(lab, ticket, "ACCEPTED Pat Lab pressed 1");
        CallRecord c = lab.services().calls().callsOf(ticket).get(0);
        assertEquals(CallOutcome.CONNECTED, c.outcome(), timeline);
        assertTrue(c.acceptedBy() != null && timeline.contains("ACCEPTED Pat Lab pressed 1"),
                "the acceptance written once the ticket was free:\n" + timeline);
        assertTrue(lab.incidentsOf(c.ticketId()).isEmpty(),
                "nobody paged for a caller who was put through:\n" + timeline);
    }

    @Test
    void aTechnicianWhoHangsUpWhileTheAcceptanceWaitsLeavesTheCallerToLeaveAMessage() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        String me = lab.newCaller();
        long ticket;
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                        .press("1").pause(java.time.Duration.ofMillis(700)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("1")
                        .when("priority").press("2")
                        .when("callback-confirm").hangUp())) {
            lab.awaitStep(me, "agi EXEC Dial", ofSeconds(30));
            ticket = ticketOf(lab, me);
            try (Connection frozen = lab.holdingTicket(ticket)) {
                try {
                    // Pat hangs up in the silence while the acceptance waits for the ticket: before,
                    // the caller was taken as put through (Dial says ANSWER once the technician's
                    // phone has answered) and hung up on, with no message taken and nobody paged
                    pat.awaitSuccess(ofSeconds(60));
                    call.awaitSuccess(ofSeconds(60));
                } finally {
                    frozen.rollback();
                }
            }
            assertTrue(pat.event("key-1").isPresent(), "Pat pressed 1: " + pat.events());
        }
        String shown = AsteriskLab.shown(lab.steps(me));
        assertTrue(!"CONNECTED".equals(lab.resultAtHangup(me)), "the caller was not put through:\n" + shown);
        String timeline = timelineOnceItSays(lab, ticket, "ACCEPT_WITHDRAWN Pat Lab hung up after pressing 1");
        assertTrue(timeline.contains("ACCEPT_WITHDRAWN Pat Lab hung up after pressing 1"), timeline);
        CallRecord c = lab.services().calls().callsOf(ticket).get(0);
        assertNull(c.acceptedBy(), "the acceptance taken back:\n" + timeline);
        assertTrue(!lab.incidentsOf(ticket).isEmpty(),
                "the urgent caller, who hung up at the call-back prompt, is paged for:\n" + timeline);
    }

    /**
     * The fallback's message handed over by the {@code h} extension while the caller's ticket is
     * still held (a frozen node's transaction, here a connection of the test's own): each hand-over
     * lets the dialplan go at line.wait-limit (5 s in the lab), so Asterisk logs that nobody took it
     * while the ticket is still held, and pagerline saves it once the ticket is free.
     */
    @Test
    void aFallbackMessageHandedOverWhileTheTicketIsHeldLetsTheDialplanGoAndIsSavedOnceTheTicketIsFree() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        String me = lab.newCaller();
        long ticket;
        try (Connection c = lockedTicketOf(lab, me)) {
            try (var call = lab.call(new Sipp.Caller(me).when("app:Record").talk(ofSeconds(2)).hangUp())) {
                call.awaitSuccess(ofSeconds(60));
            }
            org.pagerline.testkit.Eventually.await(ofSeconds(40), "the dialplan done with the hand-over, the ticket still held",
                    () -> lab.dialplan(me).stream().anyMatch(x -> x.contains("pagerline took no hand-over")));
            List<AsteriskLab.Step> steps = lab.steps(me);
            String shown = AsteriskLab.shown(steps);
            int handOver = AsteriskLab.index(steps, "h,", 0, shown);
            for (int i = handOver; i < steps.size() - 1; i++) {
                if (steps.get(i).what().contains("/fallback-message,")) {
                    long ms = (steps.get(i + 1).nanos() - steps.get(i).nanos()) / 1_000_000;
                    assertTrue(ms < AsteriskLab.WAIT_LIMIT.toMillis() + 2_000, "a hand-over held the dialplan " + ms
                            + " ms:\n" + shown);
                }
            }
            ticket = ticketOf(lab, me);
            c.rollback();
        }
        org.pagerline.testkit.Eventually.await(ofSeconds(40), "the message on the ticket once it is free",
                () -> lab.services().tickets().show(ticket).events().stream().anyMatch(e -> e.kind().equals("FALLBACK_MESSAGE")));
        var record = lab.endedCallsOf(ticket).get(0);
        assertTrue(record.recording() != null && record.recording().contains("/pagerline/fallback/"), lab.timelineText(me));
    }

    /**
     * A new caller, whose open ticket someone else holds locked for the whole call, calls and, once
     * recorded by the fallback, talks for {@code talk} and hangs up; returns their number.
     */
    private static String callWithTheirTicketLocked(AsteriskLab lab, Duration talk) throws Exception {
        String me = lab.newCaller();
        try (Connection c = lockedTicketOf(lab, me)) {
            try (var call = lab.call(new Sipp.Caller(me).when("app:Record").talk(talk).hangUp())) {
                call.awaitSuccess(ofSeconds(60));
            } finally {
                c.rollback();
            }
        }
        return me;
    }

    /** The caller's open ticket, opened now, and a connection whose transaction holds its row (roll it back to let go). */
    private static Connection lockedTicketOf(AsteriskLab lab, String caller) throws Exception {
        return lab.holdingTicket(lab.services().tickets().openOrReuse(TicketSource.PHONE, caller, null, "Lab Co",
                Duration.ofHours(4)).id());
    }

    /** The caller's ticket once it exists, without the lab's barrier (it would wait for the other tests' held tickets). */
    private static long ticketOf(AsteriskLab lab, String caller) {
        org.pagerline.testkit.Eventually.await(ofSeconds(10), "a ticket for " + caller, () -> lab.findTicket(caller).isPresent());
        return lab.findTicket(caller).orElseThrow().id();
    }

    /**
     * The ticket's timeline as text ("KIND detail" a line) once a line starts with {@code line}, and
     * the call on it has ended: this ticket's lines alone are waited for, not every call's.
     */
    private static String timelineOnceItSays(AsteriskLab lab, long ticket, String line) {
        java.util.function.Supplier<String> text = () -> String.join("\n", lab.services().tickets().show(ticket).events()
                .stream().map(e -> e.kind() + " " + e.detail()).toList());
        org.pagerline.testkit.Eventually.await(ofSeconds(20), "ticket " + ticket + " saying " + line,
                () -> text.get().lines().anyMatch(l -> l.startsWith(line))
                        && lab.services().calls().callsOf(ticket).stream().allMatch(c -> c.outcome() != null));
        return text.get();
    }
}
