package org.pagerline.adapter.twilio;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.PageResponses;

/** A hand-written PageResponses for adapter tests: records every call, answers as scripted. */
final class RecordingPageResponses implements PageResponses {
    record SmsReply(String from, String body) {}

    record Key(long pageId, String key) {}

    record Connected(long pageId, boolean connected, String detail) {}

    final List<SmsReply> smsReplies = new CopyOnWriteArrayList<>();
    final List<Key> keys = new CopyOnWriteArrayList<>();
    final List<DeliveryReport> deliveries = new CopyOnWriteArrayList<>();
    final List<Connected> connections = new CopyOnWriteArrayList<>();
    final Map<Long, PageBrief> briefs = new ConcurrentHashMap<>();
    volatile BiFunction<String, String, String> smsAnswer = (from, body) -> "OK " + body;
    volatile BiFunction<Long, String, KeyOutcome> keyAnswer = (page, key) -> switch (key) {
        case "1" -> new KeyOutcome("Acknowledged. Connecting you to the caller.", "+12045559999", false);
        case "4" -> new KeyOutcome("Acknowledged. Thank you.", null, true);
        case "5" -> new KeyOutcome("Passed on.", null, true);
        default -> new KeyOutcome("That is not a choice.", null, false);
    };

    @Override
    public String onSmsReply(String fromE164, org.pagerline.core.page.SmsCommand command) {
        String body = command.words();
        smsReplies.add(new SmsReply(fromE164, body));
        return smsAnswer.apply(fromE164, body);
    }

    @Override
    public Optional<PageBrief> brief(long pageId) {
        return Optional.ofNullable(briefs.get(pageId));
    }

    @Override
    public KeyOutcome onPageKey(long pageId, org.pagerline.core.page.PageKey pressed) {
        String key = pressed.digit();
        keys.add(new Key(pageId, key));
        return keyAnswer.apply(pageId, key);
    }

    @Override
    public void onConnected(long pageId, boolean connected, String detail) {
        connections.add(new Connected(pageId, connected, detail));
    }

    @Override
    public void onDelivery(DeliveryReport report) {
        deliveries.add(report);
    }

    boolean untouched() {
        return smsReplies.isEmpty() && keys.isEmpty() && deliveries.isEmpty() && connections.isEmpty();
    }
}
