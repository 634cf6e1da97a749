package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.pagerline.core.page.BundleGaps;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.PageStore;
import org.pagerline.core.page.RateLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox, outside any transaction. Each page is first claimed (PENDING to SENDING, a
 * conditional update, so two passes never send one page), then handed to its channel, then the
 * result is written on the page and the ticket.
 *
 * <p>Crash recovery: a page left SENDING longer than the send timeout (the process died between
 * the claim and writing the result) is claimed again and re-sent. The provider may or may not
 * have got the first hand-over, so each send that was in flight at a crash can reach the phone
 * at most twice: at most one duplicate per in-flight send, never a lost page. The same holds
 * within one live process for a send that hangs: the pass waits for it at most {@code passWait}
 * (less than the send timeout) and moves on; a result that comes later is still written; a send
 * still without a result after the send timeout is given up on and the page sent again.
 *
 * <p>Within one live process a page is handed to a channel at most once per claim: a round claims
 * no more pages than there are free sender threads (so no claim waits in a queue while its send
 * timeout runs out), and a send whose claim is no longer current (claimed again, or past the send
 * timeout and about to be) is skipped. A page left SENDING whose incident no longer wants it (a
 * PAGE of an incident no longer OPEN, a notice nobody needs any more) is marked FAILED instead of
 * re-sent.
 *
 * <p>Paging calls to one phone are handed over one at a time, on every node: a call carries nothing
 * of its page in the provider's list, so after a crash with two calls to one phone in flight, the
 * look-up could not tell whose a call was, and both pages would be placed again. A call to a phone
 * waits while another is SENDING to it under a live claim (made within the send timeout): until
 * that hand-over's result is written (a hand-over takes well under a second; a hung one ends at the
 * channel's own timeouts), or, when no result comes (a run that stopped mid-hand-over, a dead node,
 * a result that could not be written), until the send timeout passes and the call is looked up.
 * Calls left SENDING by a crash are looked up one per phone at a time, for the same reason. Texts
 * carry their words, so they need not wait. Should a look-up still meet a record it cannot
 * attribute (a call made while another hand-over to that phone had an unknown outcome, such as a
 * read timeout), it takes it for no page: the pages are sent again.
 */
public final class PageDispatcher {
    private static final Logger log = LoggerFactory.getLogger(PageDispatcher.class);
    private static final int BATCH = 200;
    /** At most this many pages claimed by one {@link #dispatchDue} (the rest wait for the next pass). */
    private static final int MAX_PER_PASS = 50 * BATCH;
    private final Transactions tx;
    private final Clock clock;
    private final Map<Channel, PageChannel> channels;
    private final RateLimit rateLimit;
    private volatile BundleGaps bundleGaps = BundleGaps.defaults();
    private final Duration sendTimeout;
    private final DeliveryOutcomes outcomes;
    private final ExecutorService senders;
    /** How many sends can run at once: the sender pool's threads (BATCH when the pool does not say). */
    private final int senderThreads;
    /** Sends submitted and not yet finished (running, or hung in a channel). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** How long a pass waits for its hand-overs: shorter than the send timeout, so a hung channel cannot hold it. */
    private final Duration passWait;
    /** Recordings of the incidents in the current batch, read in the claim transaction. */
    private final Map<Long, String> recordings = new ConcurrentHashMap<>();

    public PageDispatcher(Transactions tx, Clock clock, Map<Channel, PageChannel> channels, RateLimit rateLimit,
            DeliveryPolicy delivery, Duration sendTimeout, ExecutorService senders) {
        this(tx, clock, channels, rateLimit, delivery, sendTimeout, senders, defaultPassWait(sendTimeout));
    }

    /** Half the send timeout, at most 10 s: a hand-over normally takes well under a second. */
    static Duration defaultPassWait(Duration sendTimeout) {
        Duration half = sendTimeout.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : half;
    }

    /** @param passWait how long one pass waits for its hand-overs; must be shorter than {@code sendTimeout} */
    public PageDispatcher(Transactions tx, Clock clock, Map<Channel, PageChannel> channels, RateLimit rateLimit,
            DeliveryPolicy delivery, Duration sendTimeout, ExecutorService senders, Duration passWait) {
        if (passWait.isNegative() || passWait.compareTo(sendTimeout) >= 0) {
            throw new IllegalArgumentException("passWait " + passWait + " must be shorter than the send timeout " + sendTimeout);
        }
        for (Channel c : Channel.values()) {
            if (!channels.containsKey(c)) {
                throw new IllegalArgumentException("no PageChannel for " + c);
            }
        }
        this.tx = tx;
        this.clock = clock;
        this.channels = Map.copyOf(channels);
        this.rateLimit = rateLimit;
        this.sendTimeout = sendTimeout;
        this.outcomes = new DeliveryOutcomes(delivery);
        this.senders = senders;
        this.senderThreads = senders instanceof ThreadPoolExecutor pool ? Math.max(1, pool.getMaximumPoolSize()) : BATCH;
        this.passWait = passWait;
    }

    /** Where hand-overs are recorded outside the database (none unless wired). */
    private volatile HandOverJournal journal = HandOverJournal.NONE;

    /** Wiring: the hand-over journal, read back at this dispatcher's first pass (see {@link HandOverJournal}). */
    public PageDispatcher withJournal(HandOverJournal j) {
        this.journal = j;
        return this;
    }

    /** Wiring: the pace of urgent messages to one phone (default {@link BundleGaps#defaults()}). */
    public PageDispatcher withBundleGaps(BundleGaps gaps) {
        this.bundleGaps = gaps;
        return this;
    }

    public Duration sendTimeout() {
        return sendTimeout;
    }

    /** Wiring only: where hand-over results are counted (pages by channel and result). */
    public void attachMetrics(Metrics m) {
        this.metrics = m;
    }

    private volatile Metrics metrics = Metrics.NONE;

    private void count(Sent r) {
        metrics.page(r.page().channel(), r.result().status().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Claims and sends everything due; returns how many pages were handed to a channel. */
    public int dispatchDue() {
        if (firstPass.compareAndSet(false, true)) {
            askForHandOversTheDatabaseLost();
        }
        int sent = 0;
        while (sent < MAX_PER_PASS) {
            // Claim only what can start sending now: a claim queued behind hung sends would run out its
            // send timeout in the queue, be claimed again, and both copies would reach the phone.
            int limit = Math.min(BATCH, senderThreads - inFlight.get());
            if (limit <= 0) {
                log.warn("all {} sender threads are busy (a channel is slow); the rest of the outbox waits", senderThreads);
                break;
            }
            Instant now = clock.instant();
            recordings.clear();
            // a claim or a record that lost a deadlock (a call's save on the same tickets) is tried
            // again: failing, it would end the pass, or leave sent pages SENDING to be looked up later
            List<Page> claimed = tx.inTransactionRetryingConflicts(s -> claim(s, now, limit));
            if (claimed.isEmpty()) {
                break;
            }
            // a call placed now may hold others to its phone (a round holds calls only behind its own): one more
            // round once it is written
            boolean callsWaiting = claimed.stream().anyMatch(p -> p.channel() == Channel.VOICE);
            journal(claimed);
            List<CompletableFuture<Sent>> running = new ArrayList<>();
            for (Page p : claimed) {
                String recording = recordings.get(p.incidentId());   // read now: the map is cleared next round
                inFlight.incrementAndGet();
                try {
                    running.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return send(p, recording);
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }, senders));
                } catch (RejectedExecutionException e) {
                    inFlight.decrementAndGet();
                    throw e;
                }
            }
            List<Sent> results = new ArrayList<>();
            long deadline = System.nanoTime() + passWait.toNanos();
            boolean interrupted = false;
            for (CompletableFuture<Sent> f : running) {
                try {
                    results.add(interrupted ? f.getNow(null) : f.get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    // Still sending: the pass goes on, and the result is written whenever the channel answers.
                    // If it never does, the page is re-sent once the send timeout has passed since its claim.
                    log.warn("a channel is still sending after {}; its result will be written when it comes", passWait);
                    f.whenComplete((late, error) -> recordLate(late, error));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    interrupted = true;
                } catch (ExecutionException e) {
                    log.error("sending a page failed unexpectedly; it will be re-sent after the send timeout", e.getCause());
                }
            }
            results.removeIf(java.util.Objects::isNull);
            // One transaction for the whole batch's results: the hand-overs already happened, outside it.
            Instant at = clock.instant();
            tx.inTransactionRetryingConflicts(s -> {
                results.forEach(r -> record(s, r, at));
                return null;
            });
            results.forEach(this::count);
            if (Thread.currentThread().isInterrupted()) {
                return sent;
            }
            sent += claimed.size();
            if (claimed.size() < limit && !callsWaiting) {
                break;   // a call held behind another to its phone is claimed in the next round, once that one is written
            }
        }
        return sent;
    }

    /**
     * Once, before this dispatcher's first claim: a page the journal says an earlier run handed over,
     * which the database has PENDING with fewer attempts than that hand-over counted, lost its claim
     * in a crash (the database came back without committed work). It is marked as an unconfirmed
     * send from that hand-over on, so its next attempt asks the provider first, as for a page left
     * SENDING. Acting only on PENDING pages with a lower count makes this safe to do at every start.
     */
    private void askForHandOversTheDatabaseLost() {
        List<HandOverJournal.Entry> entries;
        try {
            entries = journal.entries();
        } catch (RuntimeException e) {
            log.error("the hand-over journal could not be read ({}); pages the database lost in a crash may be sent twice",
                    e.getMessage());
            return;
        }
        if (entries.isEmpty()) {
            return;
        }
        Map<Long, List<HandOverJournal.Entry>> byPage = new java.util.LinkedHashMap<>();
        entries.forEach(e -> byPage.computeIfAbsent(e.pageId(), k -> new ArrayList<>()).add(e));
        Instant now = clock.instant();
        int lost = tx.inTransaction(s -> {
            int n = 0;
            for (Map.Entry<Long, List<HandOverJournal.Entry>> e : byPage.entrySet()) {
                Optional<Page> found = s.pages().find(e.getKey());
                if (found.isPresent() && found.get().state() == PageState.SENDING) {
                    // left SENDING: its claim survived, its result did not; what the provider accepted its
                    // hand-overs as is this page's when the look-up comes
                    noteWhatTheProviderAccepted(s, found.get(), e.getValue(), 0);
                    continue;
                }
                if (found.isEmpty() || found.get().state() != PageState.PENDING) {
                    continue;
                }
                Page p = found.get();
                // a page created after that hand-over is another page under the same id (H2 was also seen to hand
                // out an identity value again after a kill): not this one
                Optional<HandOverJournal.Entry> first = e.getValue().stream().filter(x -> x.attempt() > p.attempts())
                        .filter(x -> !p.createdAt().isAfter(x.claimedAt()))
                        .min(java.util.Comparator.comparing(HandOverJournal.Entry::claimedAt));
                if (first.isEmpty() || s.pages().unconfirmedSince(p.id()).isPresent()) {
                    continue;
                }
                s.pages().markUnconfirmed(p.id(), first.get().claimedAt());
                noteWhatTheProviderAccepted(s, p, e.getValue(), p.attempts());
                s.tickets().addEvent(p.ticketId(), now, "PAGE_RESENT", DeliveryOutcomes.describe(p) + " was handed over at "
                        + first.get().claimedAt() + " by a run that stopped, but the database came back without it:"
                        + " sending it again unless the provider has it");
                log.warn("page {} ({}) was handed over at {} (attempt {}) but the database has it PENDING after {}"
                        + " attempt(s): committed work was lost in a crash; the provider is asked before any resend",
                        p.id(), DeliveryOutcomes.describe(p), first.get().claimedAt(), first.get().attempt(), p.attempts());
                n++;
            }
            return n;
        });
        if (lost > 0) {
            log.warn("the database came back without {} hand-over(s) the last run made (see the journal, {} entries)",
                    lost, entries.size());
        }
    }

    /**
     * Records the claimed pages' hand-overs outside the database, before any goes to its channel. A
     * journal that cannot be written does not stop the paging: it is logged, and the pages go.
     */
    private void journal(List<Page> claimed) {
        try {
            journal.handingOver(claimed.stream()
                    .map(p -> new HandOverJournal.Entry(p.id(), p.attempts(), p.claimedAt())).toList());
        } catch (RuntimeException e) {
            log.error("the hand-over journal was not written ({}); these pages go anyway, but a crash now could send"
                    + " them twice if the database also loses their claims", e.getMessage());
        }
    }

    /**
     * Notes the provider ids the journal has for {@code p}'s hand-overs after attempt {@code after}
     * as {@code p}'s records, whatever else went to the same phone then (one journaled under the same
     * id before the page existed is another page's).
     */
    private static void noteWhatTheProviderAccepted(Stores s, Page p, List<HandOverJournal.Entry> entries, int after) {
        entries.stream().filter(x -> x.attempt() > after && x.providerId() != null && !p.createdAt().isAfter(x.claimedAt()))
                .forEach(x -> s.pages().noteProviderRecord(x.providerId(), p.id(), x.claimedAt()));
    }

    /**
     * Adds the provider's id for an accepted hand-over (or one the look-up found) to the journal,
     * before the database has it: if the database then loses the result, the next run knows which of
     * the provider's calls is this page's. Not written: logged, and the look-up falls back to telling
     * records apart by time.
     */
    private void journalAccepted(Page p, String providerId) {
        try {
            journal.handingOver(List.of(new HandOverJournal.Entry(p.id(), p.attempts(), p.claimedAt(), providerId)));
        } catch (RuntimeException e) {
            log.error("page {}: the provider's id {} was not added to the hand-over journal ({})", p.id(), providerId,
                    e.getMessage());
        }
    }

    /**
     * A result that came after the pass stopped waiting. Written only if the page is still SENDING
     * under the same claim: once the send timeout passed it was claimed and sent again, and that
     * attempt's result is the one that counts.
     */
    private void recordLate(Sent late, Throwable error) {
        if (error == null && late == null) {
            return;   // skipped: its claim was no longer current
        }
        if (error != null || late == null) {
            log.error("sending a page failed unexpectedly; it will be re-sent after the send timeout", error);
            return;
        }
        try {
            Instant at = clock.instant();
            tx.run(s -> {
                Optional<Page> now = s.pages().find(late.page().id());
                if (now.isPresent() && sameClaim(now.get(), late.page())) {
                    record(s, late, at);
                    count(late);
                } else {
                    if (late.result().status() == SendResult.Status.ACCEPTED) {
                        // that hand-over did reach the provider: its record is this page's, never another's
                        s.pages().noteProviderRecord(late.result().providerId(), late.page().id(), at);
                    }
                    log.info("late result for page {} ignored: it was claimed again since ({})", late.page().id(),
                            late.result().status());
                }
            });
        } catch (RuntimeException e) {
            log.error("writing the late result of page {} failed; it will be re-sent after the send timeout",
                    late.page().id(), e);
        }
    }

    /** The stored page is still SENDING under {@code claimed}'s claim (the column may hold less precision than the clock). */
    private static boolean sameClaim(Page stored, Page claimed) {
        return stored.state() == PageState.SENDING && stored.claimedAt() != null
                && Duration.between(claimed.claimedAt(), stored.claimedAt()).abs().toMillis() < 1;
    }

    /**
     * Whether {@code p} may still be handed over: its claim is the page's current one and its send
     * timeout has not run out (past it, the next pass claims the page again and sends it).
     */
    private boolean claimStillCurrent(Page p) {
        if (!clock.instant().isBefore(p.claimedAt().plus(sendTimeout))) {
            log.warn("page {} waited past its send timeout before a sender took it: not sent now; the next pass"
                    + " sends it again", p.id());
            return false;
        }
        Optional<Page> stored = tx.inTransaction(s -> s.pages().find(p.id()));
        if (stored.isEmpty() || !sameClaim(stored.get(), p)) {
            log.info("page {}: claimed again or settled since this send was queued; not sent twice", p.id());
            return false;
        }
        return true;
    }

    private List<Page> claim(Stores s, Instant now, int limit) {
        s.pages().holdClaims();   // other nodes' claim passes: before this one, or after it, never beside it
        List<Page> out = new ArrayList<>();
        // phones with a call whose outcome is unknown: one in flight under a live claim (read once, when a
        // call was left SENDING), or left SENDING past the send timeout and not yet looked up
        java.util.Set<String> unsettled = new java.util.HashSet<>();
        boolean liveRead = false;
        // more rows than the free threads: calls left to one phone, looked up one at a time, leave room for others
        for (Page p : s.pages().staleSending(now.minus(sendTimeout), 4 * limit)) {
            if (out.size() >= limit) {
                break;
            }
            if (p.channel() == Channel.VOICE) {
                if (!liveRead) {
                    unsettled.addAll(s.pages().phonesBeingCalled(now.minus(sendTimeout)));
                    liveRead = true;
                }
                if (!unsettled.add(p.to())) {
                    continue;   // another call to that phone is in flight, or looked up this round: after it
                }
            }
            if (s.pages().claim(p.id(), PageState.SENDING, p.claimedAt(), now)) {
                // the claim holds the row: nobody writes a late result between this check and the decision
                Optional<String> unwanted = DeliveryOutcomes.unwanted(s, p, s.incidents().find(p.incidentId()));
                if (unwanted.isPresent()) {
                    String why = "no result since " + p.claimedAt() + "; not sent again: " + unwanted.get();
                    // its hand-over may have reached the provider: a record made then may be this page's
                    s.pages().markUnconfirmed(p.id(), p.claimedAt());
                    s.pages().markFailed(p.id(), why);
                    s.pages().releaseCarried(p.id(), now);   // a bundle's other incidents still want their pages
                    s.tickets().addEvent(p.ticketId(), now, "PAGE_FAILED", DeliveryOutcomes.describe(p) + " had " + why);
                    log.info("page {} ({}) was left SENDING since {}; not sent again: {}", p.id(),
                            DeliveryOutcomes.describe(p), p.claimedAt(), unwanted.get());
                    continue;
                }
                // the crashed hand-over may have reached the provider: ask it before sending again
                s.pages().markUnconfirmed(p.id(), p.claimedAt());
                log.warn("page {} ({}) was left SENDING since {}: sending it again unless the provider has it", p.id(),
                        DeliveryOutcomes.describe(p), p.claimedAt());
                s.tickets().addEvent(p.ticketId(), now, "PAGE_RESENT", DeliveryOutcomes.describe(p)
                        + " had no result since " + p.claimedAt() + " (restart?): sending again unless the provider has it");
                out.add(claimed(p, now));
            }
        }
        java.util.Set<Long> carried = new java.util.HashSet<>();
        java.util.Map<String, Instant> atLimit = new java.util.HashMap<>();
        // more than the free threads: calls held behind another to their phone leave room for others
        for (Page p : out.size() >= limit ? List.<Page>of()
                : s.pages().duePending(now, now.minus(sendTimeout), 4 * (limit - out.size()))) {
            if (out.size() >= limit) {
                break;
            }
            if (carried.contains(p.id())) {
                continue;   // already went out inside a bundle this round
            }
            // one call to a phone at a time (see the class comment): the read leaves out phones a live call is
            // placed to; this round's own calls are in out
            if (p.channel() == Channel.VOICE && (unsettled.contains(p.to())
                    || out.stream().anyMatch(o -> o.channel() == Channel.VOICE && o.to().equals(p.to())))) {
                continue;
            }
            if (urgent(p)) {
                claimUrgent(s, p, now, carried).ifPresent(out::add);
                continue;
            }
            if (p.step() == Page.TAKEN_STEP) {   // who took it, by voice: never held by the rate limit
                if (s.pages().claim(p.id(), PageState.PENDING, null, now)) {
                    out.add(claimed(p, now));
                }
                continue;
            }
            if (droppedAsStale(s, p, now)) {
                continue;
            }
            // a phone at its limit stays there for the rest of this pass: asked once, not once per notice
            Optional<Instant> defer = Optional.ofNullable(atLimit.get(p.to())).or(() -> rateLimit.deferUntil(
                    s.pages().nthNewestHandOver(p.to(), now.minus(rateLimit.window()), rateLimit.pages())));
            if (defer.isPresent()) {
                atLimit.put(p.to(), defer.get());
                s.pages().reschedule(p.id(), defer.get(), null);
                // said once, at its first deferral: in an outage a notice is deferred again each time
                // the window moves, and its ticket would carry a line for every one
                if (p.neverPutOff()) {
                    s.tickets().addEvent(p.ticketId(), now, "PAGE_DEFERRED", DeliveryOutcomes.describe(p) + " deferred to "
                            + defer.get() + ": at most " + rateLimit.pages() + " pages per " + rateLimit.window().toMinutes()
                            + " min to one phone (deferred again, without a line here, until it can go)");
                }
                continue;
            }
            if (p.channel() == Channel.SMS) {
                claimNotices(s, p, now, carried).ifPresent(out::add);
                continue;
            }
            if (s.pages().claim(p.id(), PageState.PENDING, null, now)) {
                out.add(claimed(p, now));
            }
        }
        for (Page p : out) {
            recordings.computeIfAbsent(p.incidentId(), id -> s.incidents().find(id).map(i -> i.recording()).orElse(""));
        }
        return out;
    }

    /**
     * A ticket's warning whose target was met (or whose ticket closed) while it waited for its
     * turn, the per-phone limit or a retry is cancelled rather than sent ("respond target due 03:30;
     * nobody has taken it" after Pat responded is noise, at night a call), and its ticket says so.
     * Checked here, as the row is taken, rather than where the target is met: the dispatcher takes a
     * page's row before its ticket's, and a change meeting a clock holds the ticket's.
     */
    private boolean droppedAsStale(Stores s, Page p, Instant now) {
        Optional<String> why = DeliveryOutcomes.staleWarning(s, p);
        if (why.isEmpty() || s.pages().cancelPendingTicketNotices(p.ticketId(), p.notice()) == 0) {
            return false;
        }
        s.tickets().addEvent(p.ticketId(), now, "NOTICE_CANCELLED", DeliveryOutcomes.describe(p) + " not sent: "
                + why.get());
        return true;
    }

    /** Whether this dispatcher's first pass began (it reads the hand-over journal). */
    private final java.util.concurrent.atomic.AtomicBoolean firstPass = new java.util.concurrent.atomic.AtomicBoolean();

    private static Page claimed(Page p, Instant now) {
        return claimed(p, p.text(), now);
    }

    private static Page claimed(Page p, String text, Instant now) {
        return new Page(p.id(), p.incidentId(), p.ticketId(), p.technicianId(), p.technicianName(), p.channel(), p.to(),
                p.kind(), p.replyCode(), text, p.step(), p.cycle(), p.fallback(), PageState.SENDING, p.attempts() + 1,
                p.createdAt(), null, now, p.sentAt(), p.providerId(), p.lastError(), p.notice());
    }

    /**
     * Urgent: a page asking for an acknowledgement, or (by SMS) who took an incident. Never held by
     * the rate limit; paced by the bundle gap instead. A who-took-it notice by voice (the phone
     * opted out of texts) simply goes.
     */
    private static boolean urgent(Page p) {
        return p.kind() == PageKind.PAGE || (p.step() == Page.TAKEN_STEP && p.channel() == Channel.SMS);
    }

    /**
     * An urgent message due to a phone. A page: at once if no urgent message about another incident
     * went to that phone on that channel within the bundle gap, else held until the gap is over (at
     * most one gap; two messages about one incident, such as a step and a late call-back, are not
     * paced against each other). A
     * who-took-it notice: at once, always. When it goes, everything urgent pending for that phone
     * and channel goes with it as ONE message (the carrier: the first page asking for an
     * acknowledgement, else the first notice), the others carried by it.
     */
    private Optional<Page> claimUrgent(Stores s, Page p, Instant now, java.util.Set<Long> carried) {
        Duration gap = bundleGaps.of(p.channel());
        if (p.kind() == PageKind.PAGE) {   // a who-took-it notice is never held: it goes at once
            Optional<Instant> held = gapEnd(s, p.to(), p.channel(), p.incidentId(), now);
            if (held.isPresent()) {
                s.pages().reschedule(p.id(), held.get(), null);
                if (p.neverPutOff()) {
                    s.tickets().addEvent(p.ticketId(), now, "PAGE_HELD", heldLine(p, held.get()));
                }
                return Optional.empty();
            }
        }
        List<Page> all = new ArrayList<>();
        all.add(p);
        for (Page m : gap.isZero() ? List.<Page>of() : s.pages().pendingUrgentTo(p.to(), p.channel(), p.incidentId())) {
            if (p.channel() == Channel.VOICE && m.kind() != PageKind.PAGE) {
                continue;   // a paging call carries pages only
            }
            all.add(m);   // never tried (a retry keeps its own schedule): the store's answer holds no other
        }
        Page carrier = all.stream().filter(x -> x.kind() == PageKind.PAGE).findFirst().orElse(p);
        if (!s.pages().claim(carrier.id(), PageState.PENDING, null, now)) {
            return Optional.empty();
        }
        if (all.size() == 1) {
            return Optional.of(claimed(carrier, now));
        }
        List<Page> mates = new ArrayList<>();
        for (Page m : all) {
            if (m.id() != carrier.id() && s.pages().carry(m.id(), carrier.id(), now)) {
                mates.add(m);
                carried.add(m.id());
            }
        }
        if (mates.isEmpty()) {
            return Optional.of(claimed(carrier, now));
        }
        List<Page> inBundle = new ArrayList<>(List.of(carrier));
        inBundle.addAll(mates);
        String text = carrier.channel() == Channel.SMS ? PageTexts.bundle(s, inBundle) : carrier.text();
        s.pages().rewrite(carrier.id(), text);
        // counted once: in an outage a bundle carries hundreds of pages, and counting per page was
        // a third of the engine's own time at 500 urgent callers
        long incidents = inBundle.stream().map(Page::incidentId).distinct().count();
        for (Page m : mates) {
            s.tickets().addEvent(m.ticketId(), now, "PAGE_BUNDLED", DeliveryOutcomes.describe(m) + " goes out inside page "
                    + carrier.id() + " (one " + (carrier.channel() == Channel.SMS ? "text" : "call") + " for "
                    + incidents + " incidents)");
        }
        return Optional.of(claimed(carrier, text, now));
    }

    /**
     * Until when an urgent page about {@code incidentId} to this phone on this channel must wait: the
     * end of the bundle gap after the last urgent message about another incident handed over there;
     * empty when it may go now. The escalation engine asks as it writes a page, so that a page
     * written inside the gap waits from the start (in an outage, most of them): the dispatcher
     * then never claims it only to put it off.
     */
    Optional<Instant> gapEnd(Stores s, String to, Channel channel, long incidentId, Instant now) {
        Duration gap = bundleGaps.of(channel);
        if (gap.isZero()) {
            return Optional.empty();
        }
        return endOfGap(s.pages().lastUrgentHandOver(to, channel, now.minus(gap), incidentId), gap, now);
    }

    /** The gap after {@code last}, when it is not over at {@code now}. */
    private static Optional<Instant> endOfGap(Optional<Instant> last, Duration gap, Instant now) {
        return last.map(at -> at.plus(gap)).filter(end -> end.isAfter(now));
    }

    /**
     * {@link #gapEnd} for the many pages one pass of the escalation engine writes (in an outage,
     * hundreds to the same few phones): each phone and channel's newest urgent hand-over is read
     * once per pass ({@code newest}, the pass's own), and asked again only for a page about that
     * hand-over's own incident. An answer gone stale meanwhile (a hand-over since) only leaves a page
     * due, for its claim to hold.
     */
    PageWriter.Hold gapEnds(Stores s, Map<String, Optional<PageStore.HandOver>> newest) {
        return (p, now) -> {
            Duration gap = bundleGaps.of(p.channel());
            if (gap.isZero()) {
                return Optional.empty();
            }
            Optional<PageStore.HandOver> last = newest.computeIfAbsent(p.channel() + " " + p.to(),
                    k -> s.pages().newestUrgentHandOver(p.to(), p.channel(), now.minus(gap)));
            if (last.isPresent() && last.get().incidentId() == p.incidentId()) {
                return gapEnd(s, p.to(), p.channel(), p.incidentId(), now);   // its own incident's: not counted
            }
            return endOfGap(last.map(PageStore.HandOver::at), gap, now);
        };
    }

    /** The ticket's line for an urgent page held until {@code at}, said at its first wait. */
    String heldLine(Page p, Instant at) {
        return DeliveryOutcomes.describe(p) + " goes at " + at + " with whatever else is urgent for that phone then: one"
                + " urgent " + (p.channel() == Channel.SMS ? "text" : "call") + " per "
                + bundleGaps.of(p.channel()).toSeconds() + " s to one phone";
    }

    /** At most this many notices in one digest (one claim, under the claim lock, writes a line on each one's ticket). */
    static final int MAX_DIGEST = 200;

    /**
     * A notice that may go by SMS (its phone is within the rate limit), with every other notice
     * waiting for that phone by SMS, due now or deferred by the limit: ONE text, a digest. In an
     * outage the limit holds back thousands of them ("left ANOTHER urgent message"): one at a time,
     * 10 per 10 minutes, they took days to go out. The digest is a page of its own (no incident: it
     * speaks for several), which carries the notices (at most {@link #MAX_DIGEST}) and counts as one
     * message against the limit; the notices keep their own words, so a digest that fails lets each
     * go again on its own schedule ({@link DeliveryOutcomes#failed}). A notice whose earlier
     * hand-over has an unknown outcome goes alone, as it was (the provider is asked for it by its
     * words), and so does a digest retried after an unknown outcome.
     */
    private Optional<Page> claimNotices(Stores s, Page p, Instant now, java.util.Set<Long> carried) {
        boolean alone = s.pages().unconfirmedSince(p.id()).isPresent()
                || p.attempts() > 0 && !s.pages().carriedBy(p.id()).isEmpty();
        List<Page> waiting = new ArrayList<>(alone ? List.of() : s.pages().pendingNoticesTo(p.to(), Channel.SMS, p.id(), now,
                MAX_DIGEST - 1));
        waiting.removeIf(m -> droppedAsStale(s, m, now));
        if (waiting.isEmpty()) {
            return s.pages().claim(p.id(), PageState.PENDING, null, now) ? Optional.of(claimed(p, now)) : Optional.empty();
        }
        List<Page> all = new ArrayList<>(List.of(p));
        all.addAll(waiting);
        Page digest = Page.pending(0, p.ticketId(), p.technicianId(), p.technicianName(), Channel.SMS, p.to(),
                PageKind.NOTICE, p.replyCode(), PageTexts.digest(all), Page.OTHER_STEP, 0, false, now);
        long id = s.pages().insert(digest);
        if (!s.pages().claim(id, PageState.PENDING, null, now)) {
            return Optional.empty();
        }
        List<Page> in = new ArrayList<>();
        for (Page m : all) {
            if (s.pages().carry(m.id(), id, now)) {
                in.add(m);
                carried.add(m.id());
            }
        }
        if (in.isEmpty()) {   // a call-back cancelled them between the read and the carry
            s.pages().markFailed(id, "nothing left to carry: its notices were settled meanwhile");
            return Optional.empty();
        }
        String text = digest.text();
        if (in.size() != all.size()) {   // some were settled between the read and the carry
            text = PageTexts.digest(in);
            s.pages().rewrite(id, text);
        }
        for (Page m : in) {
            s.tickets().addEvent(m.ticketId(), now, "PAGE_BUNDLED", DeliveryOutcomes.describe(m) + " goes out inside page "
                    + id + " (one text for " + in.size() + " notices)");
        }
        return Optional.of(claimed(digest.withId(id), text, now));
    }

    /**
     * A hand-over and what the channel said; {@code foundSince} is set when no new hand-over was
     * made because the provider, asked, already had the page from a hand-over begun then.
     */
    private record Sent(Page page, String via, SendResult result, Instant foundSince) {
        Sent(Page page, String via, SendResult result) {
            this(page, via, result, null);
        }
    }

    /** Hands the page over; null (nothing to write) when its claim is no longer current. */
    private Sent send(Page p, String recording) {
        try (LogContext ctx = LogContext.of(p.ticketId(), p.incidentId())) {
            if (!claimStillCurrent(p)) {
                return null;
            }
            return sendInContext(p, recording);
        }
    }

    private Sent sendInContext(Page p, String recording) {
        PageChannel channel = channels.get(p.channel());
        OutgoingPage out = new OutgoingPage(p.id(), p.incidentId(), p.ticketId(), p.channel(), p.to(),
                p.technicianName(), p.text(), emptyToNull(recording), p.replyCode(), p.attempts());
        // An earlier hand-over whose outcome is unknown: ask the provider first, send only if it has not got it.
        Optional<Instant> unconfirmed = tx.inTransaction(s -> s.pages().unconfirmedSince(p.id()));
        if (unconfirmed.isPresent()) {
            Optional<SendResult> found;
            List<String> unattributable = new ArrayList<>();
            try {
                found = channel.lookUp(out, unconfirmed.get(),
                        (providerId, created) -> mayBeAnothers(p, unconfirmed.get(), providerId, created, unattributable));
            } catch (RuntimeException e) {
                found = Optional.of(SendResult.temporary(null, channel.name() + " could not be asked: " + e.getMessage()));
            }
            if (!unattributable.isEmpty()) {
                Instant at = clock.instant();
                try {
                    tx.run(s -> unattributable.forEach(id -> s.pages().noteProviderRecord(id, null, at)));
                } catch (RuntimeException e) {
                    // the look-up still passed them over; only a later look-up of another page could miss that
                    log.error("page {}: could not note provider records {} as nobody's: {}", p.id(), unattributable, e.toString());
                }
            }
            if (found.isPresent() && found.get().status() != SendResult.Status.ACCEPTED) {
                return new Sent(p, channel.name(), found.get());   // not asked: retry later, still unsent
            }
            if (found.isPresent() && !providerIdFree(found.get().providerId(), p.id(), unconfirmed.get())) {
                found = Optional.empty();   // that message or call is another page's
            }
            if (found.isPresent()) {
                // journaled as an accepted hand-over is: should the database lose this result too,
                // the next run knows the record by its id, not by time beside other calls to the phone
                journalAccepted(p, found.get().providerId());
                return new Sent(p, channel.name(), found.get(), unconfirmed.get());
            }
        }
        SendResult r;
        try {
            r = channel.send(out);
            if (r == null) {
                r = SendResult.temporary(null, channel.name() + " returned nothing");
            }
        } catch (RuntimeException e) {
            log.warn("channel {} threw for page {}: {}", channel.name(), p.id(), e.toString());
            r = SendResult.temporary(null, channel.name() + " failed: " + e.getMessage());
        }
        if (r.status() == SendResult.Status.ACCEPTED && r.providerId() != null) {
            journalAccepted(p, r.providerId());
        }
        return new Sent(p, channel.name(), r);
    }

    /**
     * How far a provider's clock and ours may disagree: a record it created at {@code t} may come
     * from a hand-over claimed up to the send timeout plus this before {@code t}, or up to this after.
     */
    static final Duration PROVIDER_CLOCK_SKEW = Duration.ofMinutes(1);

    /**
     * Whether a provider record (its id, when the provider created it) is or may be another page's
     * than {@code p}: already recorded as another's, or made in a window where another hand-over to
     * the same number on the same channel (for a text, with the same words) is unaccounted for. A
     * call carries nothing of its page, so two calls in flight to one phone at a crash cannot be
     * told apart: then neither is taken, and the page is placed again (at most one duplicate)
     * rather than marked sent on a call that rang for another page. Such a record is added to
     * {@code unattributable}, and kept from every later look-up.
     */
    private boolean mayBeAnothers(Page p, Instant since, String providerId, Instant created, List<String> unattributable) {
        if (created == null || created.isAfter(p.claimedAt().plus(PROVIDER_CLOCK_SKEW))) {
            return true;   // made after this claim began: no earlier hand-over of this page made it
        }
        if (!providerIdFree(providerId, p.id(), since)) {
            return true;
        }
        if (providerId != null && tx.inTransaction(s -> s.pages().providerRecordNotedAs(providerId, p.id()))) {
            return false;   // the journal has it as this page's hand-over (the database lost the result)
        }
        if (tx.inTransaction(s -> s.pages().providerRecordNotedAt(p.id(), since))) {
            return true;    // the journal has another record as that very hand-over's: this one is not this page's
        }
        String body = p.channel() == Channel.SMS ? p.text() : null;
        boolean ambiguous = tx.inTransaction(s -> s.pages().otherUnaccountedHandOver(p.id(), p.to(), p.channel(), body,
                created.minus(sendTimeout).minus(PROVIDER_CLOCK_SKEW), created.plus(PROVIDER_CLOCK_SKEW)));
        if (ambiguous) {
            unattributable.add(providerId);   // nobody's now: whose it was cannot be known
            log.warn("page {}: the provider's {} to {} ({}, made at {}) could be another page's in flight then too;"
                    + " not taken for this one", p.id(), p.channel() == Channel.SMS ? "message" : "call", p.to(),
                    providerId, created);
        }
        return ambiguous;
    }

    private boolean providerIdFree(String providerId, long pageId, Instant since) {
        return providerId == null || tx.inTransaction(s -> s.pages().providerIdFree(providerId, pageId, since));
    }

    /**
     * A bundle or a digest went: each page it carried says so on its own ticket, which until then
     * read only that the page "goes out inside page N". The carrier's own ticket has its line.
     */
    private static void carriedWentOut(Stores s, Page carrier, String via, Instant now) {
        for (Page m : s.pages().carriedBy(carrier.id())) {
            if (m.ticketId() != carrier.ticketId()) {
                s.tickets().addEvent(m.ticketId(), now, "PAGE_SENT", DeliveryOutcomes.describe(m) + " went out inside page "
                        + carrier.id() + ", handed to " + via);
            }
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private void record(Stores s, Sent sent, Instant now) {
        try (LogContext ctx = LogContext.of(sent.page().ticketId(), sent.page().incidentId())) {
            recordInContext(s, sent, now);
        }
    }

    private void recordInContext(Stores s, Sent sent, Instant now) {
        Page p = sent.page();
        SendResult r = sent.result();
        String via = sent.via();
        switch (r.status()) {
            case ACCEPTED -> {
                s.pages().noteProviderRecord(r.providerId(), p.id(), now);   // kept even if a retry replaces it on the page
                s.pages().markSent(p.id(), r.providerId(), now);
                s.pages().clearUnconfirmed(p.id());
                if (sent.foundSince() != null) {
                    s.tickets().addEvent(p.ticketId(), now, "PAGE_SENT", DeliveryOutcomes.describe(p) + ": " + via
                            + " has it from the hand-over at " + sent.foundSince() + " (" + r.providerId()
                            + "); not sent again");
                } else {
                    s.tickets().addEvent(p.ticketId(), now, "PAGE_SENT", DeliveryOutcomes.describe(p) + " handed to " + via
                            + (p.attempts() > 1 ? " (attempt " + p.attempts() + ")" : ""));
                }
                carriedWentOut(s, p, via, now);
            }
            case TEMPORARY_FAILURE -> outcomes.failed(s, p, DeliveryPolicy.Failure.TEMPORARY,
                    via + " " + DeliveryOutcomes.why(r.errorCode(), r.detail()), now);
            case UNKNOWN -> {
                // Not a failed send: the provider may have it. Retry on the temporary-failure schedule,
                // but the next attempt asks the provider first (see sendInContext).
                s.pages().markUnconfirmed(p.id(), p.claimedAt());
                outcomes.failed(s, p, DeliveryPolicy.Failure.TEMPORARY, via + " outcome unknown, "
                        + DeliveryOutcomes.why(r.errorCode(), r.detail()) + "; the provider is asked before any resend", now);
            }
            case PERMANENT_FAILURE -> {
                s.pages().clearUnconfirmed(p.id());
                outcomes.failed(s, p, DeliveryPolicy.Failure.PERMANENT, r.errorCode(),
                        via + " " + DeliveryOutcomes.why(r.errorCode(), r.detail()), now);
            }
        }
    }
}
