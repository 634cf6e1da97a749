package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.NamedPageChannel;
import org.pagerline.testkit.PagingHarness;

/**
 * While the process lives, a page is handed to a channel once per claim: a slow channel must not
 * turn queued sends into second copies, and a page reclaimed after a hang is sent again only while
 * its incident still wants it.
 */
class DispatcherNoDoubleSendTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();
    final List<ExecutorService> pools = new ArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        pools.forEach(ExecutorService::shutdownNow);
        h.close();
    }

    private PageDispatcher dispatcher(Map<Channel, PageChannel> channels, ExecutorService senders) {
        pools.add(senders);
        return new PageDispatcher(h.tx, h.clock, channels, new RateLimit(10, Duration.ofMinutes(10)),
                new DeliveryPolicy(PagingHarness.BACKOFF, Duration.ofMinutes(5), 3), Duration.ofSeconds(60), senders,
                Duration.ofMillis(200));
    }

    private EscalationEngine engine(PageDispatcher d) {
        return new EscalationEngine(h.tx, h.clock, Duration.ofMinutes(30), d);
    }

    /** Every channel hangs each send until {@link #release}, counting the hand-overs per page. */
    private Map<Channel, PageChannel> hangingChannels(Map<Long, AtomicInteger> handedOver) {
        Map<Channel, PageChannel> m = new java.util.EnumMap<>(Channel.class);
        for (Channel c : Channel.values()) {
            m.put(c, new NamedPageChannel(c, "slow-" + c.name().toLowerCase()) {
                @Override
                public SendResult send(OutgoingPage page) {
                    handedOver.computeIfAbsent(page.pageId(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return SendResult.accepted("slow-" + page.pageId() + "-" + page.attempt());
                }
            });
        }
        return m;
    }

    private List<Page> pages(long incident) {
        return h.incidents.show(incident).pages();
    }

    @Test
    void aSlowChannelWithMorePagesThanSenderThreadsHandsEachPageOverOnce() {
        Map<Long, AtomicInteger> handedOver = new ConcurrentHashMap<>();
        try (EscalationEngine e = engine(dispatcher(hangingChannels(handedOver), Executors.newFixedThreadPool(2)))) {
            long id = h.voicemail(Priority.P3);          // four pages: SMS and call to Pat and to Sam
            e.runDue();                                  // two threads: two claimed, both hang; two wait PENDING
            assertEquals(2, pages(id).stream().filter(p -> p.state() == PageState.SENDING).count(), pages(id).toString());
            assertEquals(2, pages(id).stream().filter(p -> p.state() == PageState.PENDING).count(), pages(id).toString());

            h.clock.advance(Duration.ofSeconds(61));
            e.runDue();                                  // every sender still hung: nothing more is claimed
            release.countDown();                         // the provider answers at last
            Eventually.await(Duration.ofSeconds(10), "the two late hand-overs written",
                    () -> pages(id).stream().filter(p -> p.state() == PageState.SENT).count() == 2);
            e.runDue();                                  // the other two go now
            Eventually.await(Duration.ofSeconds(10), "all four sent",
                    () -> pages(id).stream().allMatch(p -> p.state() == PageState.SENT));
        }
        assertEquals(4, handedOver.size(), handedOver.toString());
        assertTrue(handedOver.values().stream().allMatch(n -> n.get() == 1), "each page handed over once: " + handedOver);
    }

    /** Runs nothing until told: sends that wait in a queue while their claims age. */
    private static final class QueuedExecutor extends AbstractExecutorService {
        private final List<Runnable> queued = new ArrayList<>();

        synchronized void runAll() {
            List<Runnable> now = new ArrayList<>(queued);
            queued.clear();
            now.forEach(Runnable::run);
        }

        @Override
        public synchronized void execute(Runnable command) {
            queued.add(command);
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Test
    void aSendWhoseClaimWasTakenOverWhileItWaitedIsSkipped() {
        QueuedExecutor queue = new QueuedExecutor();
        try (EscalationEngine e = engine(dispatcher(h.phones.channels(), queue))) {
            long id = h.voicemail(Priority.P3);
            e.runDue();                                  // four claimed, their sends still queued
            h.clock.advance(Duration.ofSeconds(61));
            e.runDue();                                  // past the send timeout: claimed again, four more queued
            queue.runAll();                              // the first four find their claims gone

            h.expectPaged(PAT, id);                      // once each: no second copy
            h.expectPaged(SAM, id);
            h.expectNothingElse();
            assertTrue(pages(id).stream().allMatch(p -> p.state() == PageState.SENT && p.attempts() == 2),
                    pages(id).toString());
        }
    }

    @Test
    void aPageLeftSendingIsNotSentAgainOnceItsIncidentWasTaken() {
        Map<Long, AtomicInteger> handedOver = new ConcurrentHashMap<>();
        Map<Channel, PageChannel> channels = new java.util.EnumMap<>(Channel.class);
        PageChannel hanging = hangingChannels(handedOver).get(Channel.SMS);
        PageChannel sms = h.phones.channel(Channel.SMS);
        channels.put(Channel.VOICE, h.phones.channel(Channel.VOICE));
        channels.put(Channel.SMS, new NamedPageChannel(Channel.SMS, "sms") {   // the first SMS to Pat hangs; the rest go through
            @Override
            public SendResult send(OutgoingPage page) {
                return page.to().equals(PAT) && handedOver.isEmpty() ? hanging.send(page) : sms.send(page);
            }
        });
        try (EscalationEngine e = engine(dispatcher(channels, Executors.newFixedThreadPool(4)))) {
            long id = h.voicemail(Priority.P3);
            e.runDue();
            h.expectCall(PAT);
            h.expectPaged(SAM, id);
            h.sms(SAM, id + "a");          // Sam takes it while the SMS to Pat hangs

            h.clock.advance(Duration.ofSeconds(61));
            e.runDue();                                  // past the send timeout: the page to Pat is not wanted now
            h.expectSms(PAT, "Sam took incident " + id);
            h.expectNothingElse();
            Page toPat = pages(id).stream().filter(p -> p.channel() == Channel.SMS && p.to().equals(PAT)
                    && p.kind() == org.pagerline.core.page.PageKind.PAGE).findFirst().orElseThrow();
            assertEquals(PageState.FAILED, toPat.state());
            assertTrue(h.incidents.show(id).timeline().stream().anyMatch(ev -> ev.kind().equals("PAGE_FAILED")
                    && ev.detail().contains("not sent again: the incident is no longer open")),
                    h.incidents.show(id).timeline().toString());
            assertEquals(1, handedOver.get(toPat.id()).get());
        }
    }
}
