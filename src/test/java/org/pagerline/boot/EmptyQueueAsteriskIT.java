package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.ticket.Ticket;

/**
 * The help-desk queue with nobody in it, on a real Asterisk 22: nobody signed in when the caller
 * comes (app_queue would refuse them, JOINEMPTY), and the last technician signing out while a caller
 * waits (app_queue puts them out, LEAVEEMPTY, and reports it as an abandon).
 *
 * <p>On a lab of its own ({@link AsteriskLab#LAB_C}, held for the class: its tests one after the
 * other), whose desk it opens and closes: the main lab's desk tests ({@link QueueAsteriskIT}) go on
 * meanwhile.
 */
@Tag("asterisk")
@ResourceLock(AsteriskLab.LAB_C)
@Execution(ExecutionMode.SAME_THREAD)
class EmptyQueueAsteriskIT {

    @BeforeAll
    static void openTheDesk() {
        AsteriskLab.get(AsteriskLab.LAB_C).openDesk();
    }

    @AfterAll
    static void closeTheDesk() {
        AsteriskLab.get(AsteriskLab.LAB_C).closeDesk();
    }

    @Test
    void withNobodySignedInTheCallerIsNotHeldInAnEmptyQueueAndIsAskedForAMessage() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        lab.services().queue().signOut("Quinn Lab");
        try {
            org.pagerline.testkit.Eventually.await(ofSeconds(20), "the helpdesk queue empty",
                    () -> !lab.cli("queue show helpdesk").contains("@pagerline-members"));
            String me = lab.newCaller();
            try (var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                    .when("callback-confirm").hangUp())) { // on the message's path: the rest is other tests'
                call.awaitSuccess(ofSeconds(120));
            }
            String timeline = lab.timelineText(me);
            String steps = AsteriskLab.shown(lab.steps(me));
            // Asterisk's own count said nobody: told so at once, never asked to hold or put in the queue
            assertTrue(timeline.contains("QUEUE_EMPTY nobody signed in to the helpdesk queue; taking a message"), timeline);
            assertTrue(steps.contains("agi GET VARIABLE QUEUE_MEMBER(helpdesk,logged)"), steps);
            assertTrue(steps.contains("agi EXEC Playback pagerline/nobody-free"), steps);
            assertFalse(steps.contains("pagerline/joining-queue") || steps.contains("EXEC Queue"), steps);
            assertFalse(lab.reachedFallback(me), steps);
            Ticket t = lab.ticketOf(me);
            var record = lab.endedCallsOf(t.id()).get(0);
            assertEquals(CallOutcome.HUNG_UP, record.outcome(), timeline);
            assertEquals(org.pagerline.core.call.CallStep.CALLBACK, record.lastStep(), "asked for a message:\n" + timeline);
        } finally {
            lab.openDesk();
        }
    }

    @Test
    void whenTheLastTechnicianSignsOutWhileACallerWaitsTheCallerIsAskedForAMessage() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        String me = lab.newCaller();
        try (var quinn = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).neverAnswer(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                        .when("callback-confirm").hangUp())) { // on the message's path: the rest is other tests'
            org.pagerline.testkit.Eventually.await(ofSeconds(40), "the caller waiting in the queue",
                    () -> lab.timelineText(me).contains("QUEUE_JOINED"));
            lab.services().queue().signOut("Quinn Lab");
            call.awaitSuccess(ofSeconds(150));
            String timeline = lab.timelineText(me);
            // app_queue reports the caller it puts out as abandoned (QueueCallerAbandon); they did not hang up,
            // and the line says why they left
            assertTrue(timeline.contains("QUEUE_LEFT left the queue: LEAVEEMPTY; taking a message"), timeline);
            assertFalse(timeline.contains("QUEUE_ABANDONED"), timeline);
            assertTrue(timeline.matches("(?s).*QUEUE_LEFT left the queue unanswered at position 1 after \\d+s(\n.*|$)"), timeline);
            assertTrue(AsteriskLab.shown(lab.steps(me)).contains("agi EXEC Playback pagerline/queue-wait-over"),
                    "sorry for the wait: they waited");
            Ticket t = lab.ticketOf(me);
            var record = lab.endedCallsOf(t.id()).get(0);
            assertEquals(CallOutcome.HUNG_UP, record.outcome(), timeline);
            assertEquals(org.pagerline.core.call.CallStep.CALLBACK, record.lastStep(), "asked for a message:\n" + timeline);
            assertEquals(1, record.abandonedPosition(), "where they left the queue, unanswered");
        } finally {
            lab.openDesk();
        }
    }
}
