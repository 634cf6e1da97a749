package org.pagerline.adapter.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.adapter.store.JdbcWebhookLedger;
import org.pagerline.config.AmiConfig;
import org.pagerline.service.Metrics;
import org.pagerline.service.OneAtATime;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;

/**
 * Two pagerline nodes connected to one Asterisk both receive every queue event; each caller's
 * joined / not taken / answered / abandoned line is written on the ticket once, by whichever node claims it
 * first in the shared database (not necessarily in Asterisk's order: see the assertion).
 */
class QueueEventsOnTwoNodesTest {
    private final AmiFixture f = new AmiFixture();
    private AmiSession second;

    @AfterEach
    void close() {
        if (second != null) {
            second.close();
        }
        f.close();
    }

    @Test
    void eachQueueEventIsWrittenOnceThoughBothNodesHearIt() {
        f.fake.start();
        AmiConfig c = AmiFixture.config(f.fake.port());
        JdbcWebhookLedger shared = new JdbcWebhookLedger(f.db.database().dataSource(), f.clock, Duration.ofDays(30));
        AmiQueue.Nodes nodes = new AmiQueue.Nodes(OneAtATime.ALONE, shared);
        f.session = new AmiSession(c);
        new AmiQueue(f.session, c, f.queue, f.calls, f.clock, Metrics.NONE, nodes).start();
        f.session.start();
        second = new AmiSession(c);
        new AmiQueue(second, c, f.queue, f.calls, f.clock, Metrics.NONE, nodes).start();
        second.start();
        Eventually.await(Duration.ofSeconds(10), "both nodes logged in", () -> f.session.isUp() && second.isUp()
                && f.fake.sessionCount() == 2);

        f.fake.emit(FakeAmi.event("QueueCallerJoin", "Channel", "PJSIP/trunk-1", "Uniqueid", "1700.1",
                "CallerIDNum", "+12045559001", "Queue", "helpdesk", "Position", "1", "Count", "1"));
        // the technician's phone rang out twice (app_queue rings again after its retry): a line for each
        for (String ring : List.of("1700.5", "1700.8")) {
            f.fake.emit(FakeAmi.event("AgentRingNoAnswer", "Queue", "helpdesk", "Uniqueid", "1700.1", "Channel",
                    "PJSIP/trunk-1", "DestUniqueid", ring, "Interface", "Local/12045550101@pagerline-members",
                    "MemberName", "Alice Tremblay", "RingTime", "15000"));
        }
        f.fake.emit(FakeAmi.event("QueueCallerAbandon", "Channel", "PJSIP/trunk-1", "Uniqueid", "1700.1", "Queue",
                "helpdesk", "Position", "1", "OriginalPosition", "1", "HoldTime", "40"));
        f.drain();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        second.submit(done::countDown);
        Eventually.await(Duration.ofSeconds(10), "the second node's worker idle", () -> done.getCount() == 0);
        // once each; in which order is not held across nodes: each node stamps an event as it handles it,
        // so a node that claims the abandon before the other has handled the join writes it first
        assertEquals(List.of("1700.1 QUEUE_JOINED joined the queue at position 1 of 1",
                "1700.1 QUEUE_LEFT left the queue unanswered at position 1 after 40s",
                "1700.1 QUEUE_NOT_TAKEN Alice Tremblay did not take the call (rang 15s)",
                "1700.1 QUEUE_NOT_TAKEN Alice Tremblay did not take the call (rang 15s)"),
                f.callEvents.stream().sorted().toList());
    }
}
