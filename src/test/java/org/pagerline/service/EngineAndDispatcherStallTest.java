package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.incident.IncidentStore;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.NamedPageChannel;
import org.pagerline.testkit.PagingHarness;

/**
 * The engine and the dispatcher must not make a technician wait: an acknowledgement during a pass
 * is taken at once, and a channel that hangs neither holds the pass nor leaves a page in flight.
 */
class EngineAndDispatcherStallTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();
    final ExecutorService senders = Executors.newFixedThreadPool(4);
    final ExecutorService side = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        senders.shutdownNow();
        side.shutdownNow();
        h.close();
    }

    private EscalationEngine engine(Transactions tx, PageDispatcher d) {
        return new EscalationEngine(tx, h.clock, Duration.ofMinutes(30), d);
    }

    private PageDispatcher dispatcher(Transactions tx, java.util.Map<Channel, PageChannel> channels, Duration passWait) {
        return new PageDispatcher(tx, h.clock, channels, new RateLimit(10, Duration.ofMinutes(10)),
                new DeliveryPolicy(PagingHarness.BACKOFF, Duration.ofMinutes(5), 3), Duration.ofSeconds(60), senders, passWait);
    }

    /** Transactions whose incident store runs {@code hook} when the engine locks (claims) {@code incident}. */
    private Transactions hookedOnLock(long incident, Runnable hook) {
        return hookedOnLock(incident, hook, () -> { });
    }

    /** ... and runs {@code beforeClaim} when the dispatcher begins claiming pages. */
    private Transactions hookedOnLock(long incident, Runnable hook, Runnable beforeClaim) {
        AtomicBoolean fired = new AtomicBoolean();
        return new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
                return h.tx.inTransaction(s -> work.apply(hooked(s)));
            }

            @Override
            public java.util.List<Result> inOneCommit(java.util.List<? extends java.util.function.Function<Stores, ?>> pieces) {
                return h.tx.inOneCommit(pieces.stream()
                        .<java.util.function.Function<Stores, ?>>map(p -> s -> p.apply(hooked(s))).toList());
            }

            private Stores hooked(Stores s) {
                IncidentStore incidents = before(IncidentStore.class, s.incidents(), (m, args) -> {
                    if ((m.equals("lock") || m.equals("claimDue")) && args[0].equals(incident) && fired.compareAndSet(false, true)) {
                        hook.run();
                    }
                });
                org.pagerline.core.page.PageStore pages = before(org.pagerline.core.page.PageStore.class, s.pages(), (m, args) -> {
                    if (m.equals("holdClaims")) {
                        beforeClaim.run();
                    }
                });
                return (Stores) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Stores.class},
                        (proxy, m, args) -> m.getName().equals("incidents") ? incidents
                                : m.getName().equals("pages") ? pages : m.invoke(s, args));
            }
        };
    }

    /** {@code target} as {@code type}, running {@code before} (method name, arguments) ahead of each call. */
    private static <T> T before(Class<T> type, T target, java.util.function.BiConsumer<String, Object[]> before) {
        return type.cast(Proxy.newProxyInstance(EngineAndDispatcherStallTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    before.accept(m.getName(), args);
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    @Test
    void anSmsAckArrivingWhileThePassDecidesOtherIncidentsIsTaken() throws Exception {
        long first = h.voicemail(Priority.P3);
        long second = RepliesAndOutboxScenarioTest.voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        AtomicReference<CompletableFuture<String>> ack = new AtomicReference<>();
        // While the engine decides the second incident, Pat acknowledges the first (already decided, in the same
        // commit: the acknowledgement waits for that commit, a few incidents' writes, not for the whole pass)
        Transactions tx = hookedOnLock(second, () -> ack.set(CompletableFuture.supplyAsync(() -> h.sms(PAT, first + "a"), side)),
                () -> {   // the acknowledgement is written before the pass sends (after, Pat would be paged for it too)
                    if (ack.get() != null) {
                        ack.get().orTimeout(10, TimeUnit.SECONDS).join();
                    }
                });
        try (EscalationEngine e = engine(tx, dispatcher(tx, h.phones.channels(), Duration.ofSeconds(5)))) {
            e.runDue();
        }
        String answer = ack.get().get(10, TimeUnit.SECONDS);
        assertTrue(answer.contains("incident " + first + " is yours"), "the ack was taken: " + answer);
        assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(first).incident().state());
        h.expectPaged(PAT, second);
        // the first incident's pages were cancelled before sending; Sam's one text says who took it and pages the second
        var sam = h.expectSms(SAM, "Pat took incident " + first + " (no action needed)");
        assertTrue(sam.page().text().contains("Reply " + second + "a"), sam.page().text());
        h.expectCall(SAM);
    }

    @Test
    void anIncidentThatCannotBeDecidedDoesNotHoldBackTheOthersPages() {
        long first = h.voicemail(Priority.P3);
        long second = RepliesAndOutboxScenarioTest.voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        // the first incident's decision fails once (a broken row, a store error): it is undone alone, and the
        // second incident's step goes out in the same pass
        Transactions tx = hookedOnLock(first, () -> {
            throw new IllegalStateException("the first incident's row could not be read");
        });
        try (EscalationEngine e = engine(tx, dispatcher(tx, h.phones.channels(), Duration.ofSeconds(5)))) {
            e.runDue();
            h.expectPaged(PAT, second);
            h.expectPaged(SAM, second);
            h.expectNothingElse();
            // the first was decided again later in the pass: its step waits for the bundle gap to Pat's and Sam's phones
            assertEquals(4, h.incidents.show(first).pages().stream().filter(p -> p.state() == PageState.PENDING).count(),
                    "the first incident's step: Pat and Sam, SMS and call, held");
        }
    }

    @Test
    void aCommitThatFailsUnderEveryIncidentIsOneLogLineWithoutAStackTrace() {
        long first = h.voicemail(Priority.P3);
        long second = RepliesAndOutboxScenarioTest.voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        AtomicBoolean databaseGone = new AtomicBoolean(true);
        // the database goes away under the decisions' commit: every piece gets the commit's one failure
        Transactions tx = new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
                return h.tx.inTransaction(work);
            }

            @Override
            public java.util.List<Result> inOneCommit(java.util.List<? extends java.util.function.Function<Stores, ?>> pieces) {
                if (!databaseGone.get()) {
                    return h.tx.inOneCommit(pieces);
                }
                RuntimeException gone = new IllegalStateException("database error in: transaction",
                        new IllegalStateException("The database has been closed [90098]"));
                return pieces.stream().map(p -> new Result(null, gone)).toList();
            }
        };
        ch.qos.logback.classic.Logger engineLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(EscalationEngine.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        engineLog.addAppender(logs);
        try (EscalationEngine e = engine(tx, dispatcher(tx, h.phones.channels(), Duration.ofSeconds(5)))) {
            e.runDue();
            var errors = logs.list.stream().filter(x -> x.getLevel() == ch.qos.logback.classic.Level.ERROR).toList();
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).getFormattedMessage().contains("2 due incident(s) could not be decided")
                    && errors.get(0).getFormattedMessage().contains("90098"), errors.get(0).getFormattedMessage());
            assertEquals(null, errors.get(0).getThrowableProxy(), "no stack trace: the database's own line says why");
            h.expectNothingElse();
            assertTrue(h.incidents.show(first).pages().isEmpty() && h.incidents.show(second).pages().isEmpty());

            databaseGone.set(false);                     // back: the next pass decides both
            assertEquals(2, e.runDue().incidentsDecided());
            // both decided in one pass: one text to each phone names both, and the calls carry both
            h.expectSms(PAT, "2 urgent incidents");
            h.expectCall(PAT);
            h.expectSms(SAM, "2 urgent incidents");
            h.expectCall(SAM);
        } finally {
            engineLog.detachAppender(logs);
        }
    }

    @Test
    void aCallLeftInFlightByARunThatStoppedHoldsItsPhoneUntilItIsLookedUp() throws Exception {
        long a = h.voicemail(Priority.P3);
        h.pass();
        h.expectPaged(PAT, a);
        h.expectPaged(SAM, a);
        // as if the run that placed it had been killed mid-hand-over 2 s ago: Pat's call for incident a is SENDING
        try (java.sql.Connection c = h.db.database().dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("UPDATE pages SET state='SENDING', sent_at=NULL,"
                        + " provider_id=NULL, claimed_at=? WHERE incident_id=? AND channel='VOICE' AND to_number=?")) {
            ps.setObject(1, h.clock.instant().minusSeconds(2).atOffset(java.time.ZoneOffset.UTC));
            ps.setLong(2, a);
            ps.setString(3, PAT);
            assertEquals(1, ps.executeUpdate());
        }
        long b = RepliesAndOutboxScenarioTest.voicemailFrom(h, "+12045558888", "John Roe", Priority.P3);
        // the next run: a fresh dispatcher (no bundle gaps, so only the call in flight can hold Pat's phone)
        PageDispatcher next = dispatcher(h.tx, h.phones.channels(), Duration.ofMillis(500))
                .withBundleGaps(new org.pagerline.core.page.BundleGaps(Duration.ZERO, Duration.ZERO));
        try (EscalationEngine e = engine(h.tx, next)) {
            e.runDue();
            h.expectSms(PAT, "Reply " + b + "a");
            h.expectPaged(SAM, b);
            h.expectNothingElse();     // no second call to Pat while the first one's outcome is unknown
            assertEquals(PageState.PENDING, patsPageState(b, Channel.VOICE));
        }
    }

    /** A channel whose first SMS to Pat hangs until {@code release}, then answers {@code late}. */
    private java.util.Map<Channel, PageChannel> hangingFirstSmsToPat(CountDownLatch release, SendResult late) {
        PageChannel sms = h.phones.channel(Channel.SMS);
        AtomicBoolean hung = new AtomicBoolean();
        PageChannel hanging = new NamedPageChannel(Channel.SMS, "hanging-sms") {
            @Override
            public SendResult send(OutgoingPage page) {
                if (page.to().equals(PAT) && hung.compareAndSet(false, true)) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return late;
                }
                return sms.send(page);
            }
        };
        return java.util.Map.of(Channel.SMS, hanging, Channel.VOICE, h.phones.channel(Channel.VOICE));
    }

    private PageState patsPageState(long incident, Channel channel) {
        return h.incidents.show(incident).pages().stream().filter(p -> p.channel() == channel && p.to().equals(PAT))
                .findFirst().orElseThrow().state();
    }

    @Test
    void aHandOverThatAnswersLateIsStillWrittenAndNotSentAgain() {
        CountDownLatch release = new CountDownLatch(1);
        PageDispatcher d = dispatcher(h.tx, hangingFirstSmsToPat(release, SendResult.accepted("SM-late")), Duration.ofMillis(200));
        try (EscalationEngine e = engine(h.tx, d)) {
            long id = h.voicemail(Priority.P3);
            e.runDue();                                    // returns although the SMS to Pat hangs
            h.expectCall(PAT);
            h.expectPaged(SAM, id);
            assertEquals(PageState.SENDING, patsPageState(id, Channel.SMS));
            release.countDown();                           // the provider answers, late
            Eventually.await(Duration.ofSeconds(10), "the late hand-over written", () -> patsPageState(id, Channel.SMS) == PageState.SENT);
            h.clock.advance(Duration.ofSeconds(61));
            e.runDue();                                    // past the send timeout: nothing to re-send
            assertTrue(h.incidents.show(id).timeline().stream().noneMatch(ev -> ev.kind().equals("PAGE_RESENT")));
        }
    }

    @Test
    void aHandOverThatNeverAnswersIsSentAgainAfterTheSendTimeout() {
        CountDownLatch release = new CountDownLatch(1);
        PageDispatcher d = dispatcher(h.tx, hangingFirstSmsToPat(release, SendResult.accepted("SM-too-late")),
                Duration.ofMillis(200));
        try (EscalationEngine e = engine(h.tx, d)) {
            long id = h.voicemail(Priority.P3);
            e.runDue();
            h.expectCall(PAT);
            h.expectPaged(SAM, id);
            h.clock.advance(Duration.ofSeconds(59));
            e.runDue();                                    // within the send timeout: it may still arrive
            h.expectNothingElse();
            h.clock.advance(Duration.ofSeconds(2));
            e.runDue();                                    // past it: given up on, sent again
            var again = h.expectSms(PAT, id + "a");
            assertEquals(2, again.page().attempt());
            release.countDown();                           // the first attempt's answer, far too late, changes nothing
            senders.shutdown();                            // lets the hung send return and its result be handled
            Eventually.await(Duration.ofSeconds(10), "the hung send finished", senders::isTerminated);
            assertEquals(PageState.SENT, patsPageState(id, Channel.SMS));
            assertEquals("fake-" + again.page().pageId() + "-2", h.incidents.show(id).pages().stream()
                    .filter(p -> p.id() == again.page().pageId()).findFirst().orElseThrow().providerId());
        }
    }

    @Test
    void aClaimAndARecordThatLoseADeadlockAreRunAgainAndThePagesGoOutOnce() {
        long id = h.voicemail(Priority.P3);
        AtomicBoolean claimLost = new AtomicBoolean();
        AtomicBoolean recordLost = new AtomicBoolean();
        // the database picks the dispatcher as a deadlock's victim once while it claims, and once while it
        // writes what the channels said (a call's save on the same tickets, say): both are run again
        Transactions tx = new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
                return h.tx.inTransaction(s -> work.apply(losing(s)));
            }

            @Override
            public <T> T inTransactionRetryingConflicts(java.util.function.Function<Stores, T> work) {
                return h.tx.inTransactionRetryingConflicts(s -> work.apply(losing(s)));
            }

            private Stores losing(Stores s) {
                org.pagerline.core.page.PageStore pages = before(org.pagerline.core.page.PageStore.class, s.pages(), (m, args) -> {
                    if (m.equals("holdClaims") && claimLost.compareAndSet(false, true)
                            || m.equals("markSent") && recordLost.compareAndSet(false, true)) {
                        throw new IllegalStateException("database error (40001)",
                                new java.sql.SQLException("Deadlock detected. The current transaction was rolled back.", "40001"));
                    }
                });
                return (Stores) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Stores.class},
                        (proxy, m, args) -> m.getName().equals("pages") ? pages : m.invoke(s, args));
            }
        };
        try (EscalationEngine e = engine(tx, dispatcher(tx, h.phones.channels(), Duration.ofSeconds(5)))) {
            e.runDue();
        }
        assertTrue(claimLost.get() && recordLost.get(), "both conflicts happened");
        h.expectPaged(PAT, id);
        h.expectPaged(SAM, id);
        h.expectNothingElse();
        assertEquals(PageState.SENT, patsPageState(id, Channel.SMS), "what the channel said was written");
        assertEquals(PageState.SENT, patsPageState(id, Channel.VOICE));
    }
}
