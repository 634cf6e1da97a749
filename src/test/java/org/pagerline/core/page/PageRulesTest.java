package org.pagerline.core.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SMS grammar, the retry/fallback policy and the per-phone rate limit. */
class PageRulesTest {
    static final Instant T0 = Instant.parse("2026-03-03T03:00:00Z");

    @Test
    void theSmsGrammarIsForgiving() {
        assertEquals(new SmsCommand(SmsCommand.Action.ACKNOWLEDGE, "12"), SmsCommand.parse("12a"));
        assertEquals(new SmsCommand(SmsCommand.Action.ACKNOWLEDGE, "12"), SmsCommand.parse(" 12 A "));
        assertEquals(new SmsCommand(SmsCommand.Action.ACKNOWLEDGE, "12"), SmsCommand.parse("#12ack"));
        assertEquals(new SmsCommand(SmsCommand.Action.CALLED_BACK, "12"), SmsCommand.parse("12c"));
        assertEquals(new SmsCommand(SmsCommand.Action.ESCALATE, "12"), SmsCommand.parse("12e"));
        for (String bare : List.of("a", "ACK", "4", "ok.")) {
            assertEquals(new SmsCommand(SmsCommand.Action.ACKNOWLEDGE, null), SmsCommand.parse(bare), bare);
        }
        assertEquals(new SmsCommand(SmsCommand.Action.ACKNOWLEDGE_ALL, null), SmsCommand.parse("AA"));   // all of the page
        assertEquals(new SmsCommand(SmsCommand.Action.ACKNOWLEDGE_ALL, null), SmsCommand.parse("aa."));
        assertEquals(SmsCommand.Action.STOP, SmsCommand.parse("STOP").action());
        assertEquals(SmsCommand.Action.START, SmsCommand.parse("Start").action());
        assertEquals(SmsCommand.Action.UNKNOWN, SmsCommand.parse("12x").action());
        assertEquals(SmsCommand.Action.UNKNOWN, SmsCommand.parse("on my way").action());
        assertNull(SmsCommand.parse("c").code());
    }

    @Test
    void temporaryFailuresBackOffThenMoveToTheOtherChannelOnce() {
        DeliveryPolicy p = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        Page first = page(1, false);
        assertEquals(new DeliveryPolicy.Action(DeliveryPolicy.Action.Kind.RETRY, T0.plusSeconds(30)),
                p.after(first, DeliveryPolicy.Failure.TEMPORARY, T0));
        assertEquals(T0.plusSeconds(60), p.after(page(2, false), DeliveryPolicy.Failure.TEMPORARY, T0).at());
        assertEquals(DeliveryPolicy.Action.Kind.FALLBACK, p.after(page(3, false), DeliveryPolicy.Failure.TEMPORARY, T0).kind());
        assertEquals(DeliveryPolicy.Action.Kind.FALLBACK, p.after(first, DeliveryPolicy.Failure.PERMANENT, T0).kind());
        assertEquals(DeliveryPolicy.Action.Kind.GIVE_UP, p.after(page(1, true), DeliveryPolicy.Failure.PERMANENT, T0).kind());
        assertEquals(Duration.ofMinutes(5), p.backoffFor(10));
    }

    @Test
    void theRateLimitDefersUntilTheOldestHandOverLeavesTheWindow() {
        RateLimit r = new RateLimit(2, Duration.ofMinutes(10));
        assertEquals(Optional.empty(), r.deferUntil(List.of(T0), T0.plusSeconds(60)));
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(10))),
                r.deferUntil(List.of(T0.plusSeconds(60), T0), T0.plusSeconds(120)));
        assertEquals(Optional.empty(), r.deferUntil(List.of(T0, T0), T0.plus(Duration.ofMinutes(10))));
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(10))), r.deferUntil(Optional.of(T0)));
    }

    static Page page(int attempts, boolean fallback) {
        return new Page(1, 1, 1, 1L, "Pat", Channel.SMS, "+1", PageKind.PAGE, "1", "t", 0, 0, fallback, PageState.SENDING,
                attempts, T0, null, T0, null, null, null, null);
    }
}
