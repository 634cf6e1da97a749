package org.pagerline.core.ticket;

import java.time.Instant;

/**
 * A stretch during which the resolve clock did not count: waiting on the customer, or resolved
 * until reopened. {@code until} is null while it lasts.
 */
public record Pause(Instant from, Instant until, String reason) {
    public Pause {
        if (from == null) {
            throw new IllegalArgumentException("a pause needs a start");
        }
        if (until != null && until.isBefore(from)) {
            throw new IllegalArgumentException("a pause cannot end (" + until + ") before it starts (" + from + ")");
        }
    }

    public boolean open() {
        return until == null;
    }

    public Pause endedAt(Instant at) {
        return new Pause(from, at, reason);
    }
}
