package org.pagerline.service;

import org.pagerline.core.page.PageState;

/** How many pages wait in the outbox, by state: what {@code /metrics} reports as the outbox depth. */
public final class OutboxDepth {
    private final Transactions tx;

    public OutboxDepth(Transactions tx) {
        this.tx = tx;
    }

    public long pages(PageState state) {
        return tx.inTransaction(s -> s.pages().countInState(state));
    }
}
