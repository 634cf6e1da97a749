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
 * Non-urgent callers in business hours, through app_queue on a real Asterisk 22. The desk is open
 * and Quinn signed in for the class; its tests run one after the other (one queue member).
 */
@Tag("asterisk")
@ResourceLock(AsteriskLab.DESK)
@Execution(ExecutionMode.SAME_THREAD)
class QueueAsteriskIT {

    @BeforeAll
    static void openTheDesk() {
        AsteriskLab.get().openDesk();
    }

    @AfterAll
    static void closeTheDesk() {
        AsteriskLab.get().closeDesk();
    }

    // Quinn talks past app_queue's hold-time report (queues.conf reportholdtime): a member who hangs
    // up during it never reaches the caller, who goes on waiting.
    @Test
    void aQueueCallTheTechnicianEndsIsRecordedAsAnsweredWithoutTheFallback() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var quinn = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).answerAfter(ofSeconds(1)).pause(ofSeconds(2))
                        .press("1").pause(ofSeconds(1)).talk(ofSeconds(7)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2").thenWaitAtMost(ofSeconds(60)))) {
            quinn.awaitSuccess(ofSeconds(60));
            call.awaitSuccess(ofSeconds(30));
            assertTrue(call.event("asterisk-hung-up").isPresent(), "the line hung up on the caller: " + call.events());
            assertFalse(lab.reachedFallback(me), "a caller who was answered is not sent to the fallback voicemail:\n"
                    + String.join("\n", lab.dialplan(me)));
            assertEquals("QUEUE_ANSWERED", lab.resultAtHangup(me));
            Ticket t = lab.ticketOf(me);
            assertEquals(CallOutcome.ANSWERED_IN_QUEUE, lab.services().calls().callsOf(t.id()).get(0).outcome(), lab.timelineText(me));
        }
    }

    // A technician's own voicemail answers at once when their mobile is busy or declined: it answers
    // and speaks, and never presses a key. The queued caller must not be put through to it.
    @Test
    void aTechniciansPhoneThatAnswersAQueueCallWithoutPressing1NeverGetsTheCaller() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var quinnsVoicemail = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).answerAfter(ofSeconds(1))
                        .talk(ofSeconds(25)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(3)).hangUp())) {
            call.awaitSuccess(ofSeconds(120));
            quinnsVoicemail.awaitSuccess(ofSeconds(60));
            assertTrue(quinnsVoicemail.event("far-end-hung-up").isPresent(),
                    "the line let go of a phone that answered and pressed nothing: " + quinnsVoicemail.events());
            String timeline = lab.timelineText(me);
            assertFalse(timeline.contains("QUEUE_ANSWERED"), "nobody took the caller:\n" + timeline);
            assertTrue(timeline.contains("QUEUE_NOT_TAKEN Quinn Lab did not take the call (rang "), timeline);
            assertTrue(timeline.contains("QUEUE_LEFT left the queue: TIMEOUT"), timeline);
            Ticket t = lab.ticketOf(me);
            assertEquals(CallOutcome.MESSAGE, lab.services().calls().callsOf(t.id()).get(0).outcome(), timeline);
        }
    }

    @Test
    void afterTheQueueWaitLimitTheCallerLeavesAMessage() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var quinn = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).neverAnswer(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(3)).hangUp())) {
            call.awaitSuccess(ofSeconds(120));
            assertTrue(quinn.event("invite").isPresent(), "Quinn's phone rang while the caller waited");
            String timeline = lab.timelineText(me);
            assertTrue(timeline.contains("QUEUE_LEFT left the queue: TIMEOUT"), timeline);
            // app_queue reports it as an abandon (QueueCallerAbandon), as a hang-up: the caller did not hang up
            assertFalse(timeline.contains("HUNG_UP"), "the caller did not hang up in the queue:\n" + timeline);
            assertTrue(timeline.contains("QUEUE_LEFT left the queue unanswered at position 1 after"), timeline);
            Ticket t = lab.ticketOf(me);
            assertEquals(CallOutcome.MESSAGE, lab.services().calls().callsOf(t.id()).get(0).outcome(), timeline);
            assertTrue(lab.incidentsOf(t.id()).isEmpty(),
                    "a non-urgent message opens no incident");
        }
    }

    // queues.conf's context = pagerline-queue-exit: a key app_queue finds there takes the caller out of
    // the queue at once, wherever they are in it (on hold, or while a technician's phone rings).
    @Test
    void aCallerInTheQueueWhoPresses1LeavesAMessageThereAndThen() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var quinn = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).neverAnswer(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2")
                        .when("exec:Queue").pause(ofSeconds(3)).press("1")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(3)).press("#"))) {
            call.awaitSuccess(ofSeconds(120));
            String timeline = lab.timelineText(me);
            assertTrue(timeline.contains("QUEUE_LEFT left the queue: the caller pressed 1 to leave a message"), timeline);
            assertFalse(timeline.contains("TIMEOUT"), "the caller did not wait for the wait limit:\n" + timeline);
            // the script went on after the key, and the dialplan after the script, where they were
            assertEquals("MESSAGE", lab.resultAtHangup(me), timeline);
            assertFalse(lab.reachedFallback(me), "a saved message is not taken again by the fallback:\n"
                    + String.join("\n", lab.dialplan(me)));
            assertTrue(call.event("asterisk-hung-up").isPresent(), "the line hung up after the promise: " + call.events());
            // app_queue moved the channel to the exit key's extension (Asterisk reports it as Queue at
            // priority 0), and pagerline moved it back: none of that context's own lines ran
            String trail = String.join("\n", lab.dialplan(me));
            assertTrue(lab.dialplan(me).stream().anyMatch(x -> x.startsWith("queue-exit: 1,")), trail);
            assertTrue(lab.dialplan(me).stream().noneMatch(x -> x.startsWith("queue-exit:") && x.endsWith(" Goto")),
                    "pagerline moved the channel back from the exit key's context:\n" + trail);
            Ticket t = lab.ticketOf(me);
            assertEquals(CallOutcome.MESSAGE, lab.services().calls().callsOf(t.id()).get(0).outcome(), timeline);
            assertTrue(lab.incidentsOf(t.id()).isEmpty(), "a non-urgent message opens no incident");
        }
    }
}
