package org.pagerline.core.queue;

import java.time.Instant;
import java.util.Set;
import org.pagerline.core.calendar.BusinessCalendar;

/** Who should answer queue calls right now: the signed-in technicians, while the desk is open. */
public final class QueueMembership {
    private QueueMembership() {}

    public static Set<Long> wanted(Set<Long> signedIn, BusinessCalendar desk, Instant now) {
        return desk.isOpen(now) ? Set.copyOf(signedIn) : Set.of();
    }
}
