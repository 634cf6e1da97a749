package org.pagerline.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.CallService;
import org.pagerline.service.IncidentOpener;
import org.pagerline.service.LiveCall;
import org.pagerline.service.Metrics;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.TicketService;
import org.pagerline.service.Transactions;

/** The cut-off and fallback tests' set-up: a node's call service, and an urgent P1 caller on it. */
public final class UrgentCallers {
    private UrgentCallers() {}

    /** A node's call service named {@code host}, its line's writes through {@code tx}, its tickets' through {@code tickets}. */
    public static CallService node(Transactions tx, Transactions tickets, Clock clock, IncidentOpener o, String host) {
        return new CallService(tx, new TicketService(tickets, clock), new PhoneNumbers("CA"), o, clock, Duration.ofHours(4),
                Duration.ofMinutes(30), Set.of("CA", "US"), host, Metrics.NONE);
    }

    /** An urgent P1 caller on {@code node}, at {@code step}, with what the call gathered written. */
    public static LiveCall urgentCallerAt(CallService node, Clock clock, String uid, String callerId, CallStep step) {
        LiveCall live = node.start(uid, "PJSIP/trunk-" + uid, callerId, "Jane");
        live.call().urgency(clock.instant(), true, false);
        live.call().priority(clock.instant(), Priority.P1, false);
        live.call().enter(step);
        node.save(live);
        assertTrue(node.awaitSaved(Duration.ofSeconds(10)));
        return live;
    }
}
