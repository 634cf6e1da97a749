package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.pagerline.core.ticket.TicketSource;

/** The dialplan's fallback voicemail on a real Asterisk 22: no caller is dropped when pagerline fails. */
@Tag("asterisk")
// Alone: the fault it makes (callers' ticket rows locked for the whole call) holds up those callers
// alone (the third test shows it, its three tests side by side), but the lab's barrier
// (AsteriskLab.awaitCallsSaved: every call's lines written) waits for their pieces too, so another
// class's test reading a timeline would wait out the locks (CI, 2026-12-07 08:28)
@Isolated("locks callers' tickets: the lab's wait for every call's lines would wait for them")
@Execution(ExecutionMode.CONCURRENT)
class FallbackAsteriskIT {

    @Test
    void whenPagerlineFailsTheCallerIsToldAndTheFallbackRecordsTheirMessageInTheSpool() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
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
        AsteriskLab lab = AsteriskLab.get();
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
        AsteriskLab lab = AsteriskLab.get();
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
}
