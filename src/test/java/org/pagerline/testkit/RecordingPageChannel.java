package org.pagerline.testkit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;

/**
 * A fake channel pair that records every hand-over, answers as scripted per phone (accepted by
 * default), and lets a scenario take each page it expects. Whatever is left untaken is a page
 * nobody expected: {@link #assertAllExpected()} fails the test on it.
 */
public final class RecordingPageChannel {

    /** One hand-over, with the instant (of the test's clock) it happened. */
    public record Sent(OutgoingPage page, Instant at) {
        @Override
        public String toString() {
            return page.channel() + " to " + page.technicianName() + " " + page.to() + " (page " + page.pageId()
                    + ", attempt " + page.attempt() + "): " + page.text();
        }
    }

    private final Clock clock;
    private final List<Sent> unexpected = new ArrayList<>();
    private final List<Sent> all = new ArrayList<>();
    private final Map<String, Deque<SendResult>> scripted = new ConcurrentHashMap<>();

    public RecordingPageChannel(Clock clock) {
        this.clock = clock;
    }

    /** The next hand-overs on {@code channel} to {@code to} answer these results, in order. */
    public void script(Channel channel, String to, SendResult... results) {
        scripted.computeIfAbsent(channel + to, k -> new ArrayDeque<>()).addAll(List.of(results));
    }

    public PageChannel channel(Channel c) {
        return new NamedPageChannel(c, "fake-" + c.name().toLowerCase()) {
            @Override
            public SendResult send(OutgoingPage page) {
                synchronized (RecordingPageChannel.this) {
                    Sent s = new Sent(page, clock.instant());
                    unexpected.add(s);
                    all.add(s);
                    Deque<SendResult> q = scripted.get(c + page.to());
                    SendResult r = q == null ? null : q.poll();
                    return r != null ? r : SendResult.accepted("fake-" + page.pageId() + "-" + page.attempt());
                }
            }
        };
    }

    public Map<Channel, PageChannel> channels() {
        return Map.of(Channel.SMS, channel(Channel.SMS), Channel.VOICE, channel(Channel.VOICE));
    }

    /** Takes the first unexpected hand-over on {@code channel} to {@code to} whose text contains {@code text}. */
    public synchronized Sent take(Channel channel, String to, String text) {
        for (Sent s : unexpected) {
            if (s.page().channel() == channel && s.page().to().equals(to) && s.page().text().contains(text)) {
                unexpected.remove(s);
                return s;
            }
        }
        throw new AssertionError("expected " + channel + " to " + to + " containing '" + text + "', but the pages not yet"
                + " expected are:\n  " + String.join("\n  ", unexpected.stream().map(Sent::toString).toList()));
    }

    public synchronized void assertAllExpected() {
        if (!unexpected.isEmpty()) {
            List<Sent> left = List.copyOf(unexpected);
            unexpected.clear();
            throw new AssertionError("pages nobody expected:\n  " + String.join("\n  ", left.stream().map(Sent::toString).toList()));
        }
    }

    /** Every hand-over not yet taken, now counted as expected (for scenarios that check them in bulk). */
    public synchronized List<Sent> drain() {
        List<Sent> left = List.copyOf(unexpected);
        unexpected.clear();
        return left;
    }

    public synchronized List<Sent> all() {
        return List.copyOf(all);
    }
}
