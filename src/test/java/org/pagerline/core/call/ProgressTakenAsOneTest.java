package org.pagerline.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;

/** Two saves of a call written as one leave what writing them one after the other leaves. */
class ProgressTakenAsOneTest {
    private static final Instant T = Instant.parse("2026-11-23T03:00:00Z");

    @Test
    void theRowIsTheLatestTheLinesAreBothInOrderAndTheMoreUrgentPriorityWins() {
        Call call = new Call(7, 70, CallStep.GREETING);
        call.enter(CallStep.URGENCY);
        call.urgency(T, true, false);
        call.priority(T, Priority.P2, false);
        Call.Progress first = call.takeProgress();
        call.enter(CallStep.CALLBACK);
        call.priority(T.plusSeconds(1), Priority.P3, false);
        call.callback(T.plusSeconds(2), "+12045550123", "keyed in");
        call.enter(CallStep.RECORDING);
        Call.Progress later = call.takeProgress();

        Call.Progress both = first.then(later);
        assertEquals(CallStep.RECORDING, both.lastStep());
        assertEquals(Priority.P2, both.raisePriority(), "P2 is more urgent than the P3 chosen after it");
        assertEquals("+12045550123", both.callbackNumber());
        assertEquals(concat(first.lines(), later.lines()), both.lines());
        assertFalse(both.ended());
    }

    @Test
    void theFirstEndingStandsAndALaterEndingLineIsLeftOutAsItsOwnWriteWouldLeaveIt() {
        Call call = new Call(7, 70, CallStep.RECORDING);
        call.finish(T, CallOutcome.MESSAGE, "message left");
        Call.Progress ended = call.takeProgress();
        call.enter(CallStep.TICKET);
        call.note(T.plusSeconds(5), "TOLD", "ticket number read out");
        Call.Progress told = call.takeProgress();
        Call.Progress later = new Call.Progress(7, 70, CallStep.TICKET, CallOutcome.HUNG_UP, T.plusSeconds(9), null, null,
                null, List.of(told.lines().get(0), new Call.Line(T.plusSeconds(9), "HUNG_UP", "caller hung up", true)));

        Call.Progress both = ended.then(later);
        assertEquals(CallOutcome.MESSAGE, both.outcome());
        assertEquals(T, both.endedAt());
        assertEquals(CallStep.TICKET, both.lastStep());
        assertEquals(List.of("CALL_ENDED", "TOLD"), both.lines().stream().map(Call.Line::kind).toList());
    }

    @Test
    void aHangUpInTheQueueIsNotJoinedToALaterStepForItIsJudgedByTheStepItIsSavedAt() {
        Call.Progress hungUp = new Call.Progress(7, 70, CallStep.QUEUE, CallOutcome.HUNG_UP, T, null, null, null, List.of());
        Call.Progress sameStep = new Call.Progress(7, 70, CallStep.QUEUE, CallOutcome.HUNG_UP, T, null, null, null, List.of());
        Call.Progress laterStep = new Call.Progress(7, 70, CallStep.TICKET, CallOutcome.HUNG_UP, T, null, null, null, List.of());
        Call.Progress otherCall = new Call.Progress(8, 70, CallStep.QUEUE, null, null, null, null, null, List.of());
        assertTrue(hungUp.canTake(sameStep));
        assertFalse(hungUp.canTake(laterStep));
        assertFalse(hungUp.canTake(otherCall));
        assertThrows(IllegalArgumentException.class, () -> hungUp.then(laterStep));
    }

    private static List<Call.Line> concat(List<Call.Line> a, List<Call.Line> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
