package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.pagerline.core.call.CallRecord;
import org.pagerline.testkit.Eventually;

/**
 * What app_queue's AMI events put on the ticket and the call record, from a real Asterisk 22: it
 * sends QueueCallerLeave before AgentConnect for an answered caller, and QueueCallerAbandon before
 * QueueCallerLeave for one who hangs up, while the caller's FastAGI script ends the call at the same
 * moment on another thread.
 */
@ResourceLock(AsteriskLab.DESK)
@Execution(ExecutionMode.SAME_THREAD)
@Tag("asterisk")
class QueueEventsAsteriskIT {

    @BeforeAll
    static void openTheDesk() {
        AsteriskLab.get().openDesk();
    }

    @AfterAll
    static void closeTheDesk() {
        AsteriskLab.get().closeDesk();
    }

    @Test
    void anAnsweredQueueCallerIsNotAlsoRecordedAsLeavingUnanswered() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        List<String> order = new CopyOnWriteArrayList<>();
        lab.onEvent(e -> {
            String kind = e.get("Event");
            if (me.equals(e.get("CallerIDNum")) && ("QueueCallerLeave".equals(kind) || "AgentConnect".equals(kind))) {
                order.add(kind);
            }
        });
        try (var quinn = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).answerAfter(ofSeconds(2)).pause(ofSeconds(2))
                        .press("1").pause(ofSeconds(1)).talk(ofSeconds(9)).hangUp(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2").thenWaitAtMost(ofSeconds(60)))) {
            quinn.awaitSuccess(ofSeconds(60));
            call.awaitSuccess(ofSeconds(30));
        }
        Eventually.await(Duration.ofSeconds(10), "the answer on the ticket",
                () -> lab.timelineText(me).contains("QUEUE_ANSWERED answered by Quinn Lab"));
        assertEquals(List.of("QueueCallerLeave", "AgentConnect"), order, "Asterisk 22's order for an answered caller");
        // The leave was held for the answer and settled by it on the same AMI thread before the answer
        // was written: had it been told as unanswered, that line would precede the answer.
        String timeline = lab.timelineText(me);
        assertFalse(timeline.contains("left the queue unanswered"), timeline);
        CallRecord c = lab.services().calls().callsOf(lab.ticketOf(me).id()).get(0);
        assertEquals("Quinn Lab", c.answeredBy(), timeline);
    }

    @Test
    void aCallerWhoHangsUpInTheQueueKeepsTheirPositionAndWaitOnTheCallRecord() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        java.util.Map<String, String> joined = new java.util.concurrent.ConcurrentHashMap<>();
        lab.onEvent(e -> {
            if ("QueueCallerJoin".equals(e.get("Event")) && me.equals(e.get("CallerIDNum"))) {
                joined.put("channel", e.get("Channel"));
            }
        });
        try (var quinn = lab.phone(new Sipp.Phone(AsteriskLab.QUINN).neverAnswer().thenWaitAtMost(ofSeconds(60)), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("2").thenWaitAtMost(ofSeconds(60)))) {
            Eventually.await(Duration.ofSeconds(30), "the caller in the queue", () -> joined.containsKey("channel"));
            String channel = joined.get("channel");
            // the caller waits at least 5 s in the queue (as Asterisk counts it), then hangs up
            java.util.regex.Pattern waited = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(channel)
                    + " \\(wait: 0:(\\d\\d)");
            Eventually.await(Duration.ofSeconds(30), "5 s in the queue", () -> {
                java.util.regex.Matcher m = waited.matcher(lab.cli("queue show helpdesk"));
                return m.find() && Integer.parseInt(m.group(1)) >= 5;
            });
            lab.ami.send(java.util.Map.of("Action", "Hangup", "Channel", channel));
            call.awaitSuccess(ofSeconds(30));
        }
        Eventually.await(Duration.ofSeconds(10), "the abandon and the end of the call recorded", () -> {
            String t = lab.timelineText(me);
            return t.contains("QUEUE_LEFT left the queue unanswered") && lab.services().calls().callsOf(lab.ticketOf(me).id()).get(0).outcome() != null;
        });
        String timeline = lab.timelineText(me);
        CallRecord c = lab.services().calls().callsOf(lab.ticketOf(me).id()).get(0);
        assertNotNull(c.outcome(), timeline);
        assertEquals(1, c.abandonedPosition(), "the position the timeline shows:\n" + timeline);
        assertNotNull(c.waitedSeconds(), timeline);
        assertTrue(c.waitedSeconds() >= 3 && c.waitedSeconds() <= 15, c.waitedSeconds() + " s:\n" + timeline);
        // app_queue tells a hang-up as it tells the wait limit (an abandon): the call says why
        assertTrue(timeline.contains("QUEUE_LEFT left the queue unanswered at position 1 after " + c.waitedSeconds() + "s"),
                timeline);
        assertEquals(1, timeline.split("left the queue unanswered", -1).length - 1, "told once:\n" + timeline);
        assertTrue(timeline.contains("HUNG_UP caller hung up during queue"), timeline);
    }
}
