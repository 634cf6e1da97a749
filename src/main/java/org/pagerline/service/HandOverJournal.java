package org.pagerline.service;

import java.time.Instant;
import java.util.List;

/**
 * A record of hand-overs kept outside the database: the dispatcher writes each claimed page here
 * after its claim commits and before it goes to the channel, and reads it back when a new process
 * starts. H2 was seen to come back from a SIGKILL without committed work (a whole run's claims and
 * results, see README "Known limits"): a page the last run handed over was then PENDING again, and
 * without this record it went to the phone a second time. With it, such a page is looked up at the
 * provider before any resend, as a page left SENDING is.
 *
 * <p>When the provider accepts a hand-over, its id for it (a call's or message's SID) is added
 * too: a call carries nothing of its page, so two calls to one phone whose results the database
 * lost could otherwise not be told apart at the provider, and both pages would go again.
 */
public interface HandOverJournal {

    /**
     * Page {@code pageId}'s hand-over number {@code attempt} (its attempts counter after the claim),
     * claimed at {@code claimedAt}; with {@code providerId}, the provider accepted that hand-over as it.
     */
    record Entry(long pageId, int attempt, Instant claimedAt, String providerId) {
        /** A hand-over about to be made. */
        public Entry(long pageId, int attempt, Instant claimedAt) {
            this(pageId, attempt, claimedAt, null);
        }
    }

    /** Appends these entries; returns once they are written (they survive the process being killed). */
    void handingOver(List<Entry> entries);

    /** Every entry kept, oldest first (a line torn by a kill is left out). */
    List<Entry> entries();

    /** Keeps nothing: for tests and tools that hand nothing over. */
    HandOverJournal NONE = new HandOverJournal() {
        @Override
        public void handingOver(List<Entry> entries) {
        }

        @Override
        public List<Entry> entries() {
            return List.of();
        }
    };
}
