package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pagerline.adapter.store.Database;
import org.pagerline.adapter.store.JdbcTransactions;
import org.pagerline.core.page.BundleGaps;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.PgSchema;
import org.pagerline.testkit.RecordingPageChannel;

/**
 * The per-phone paging rate limit (non-urgent notices only) holds across two nodes on one
 * PostgreSQL: it counts the hand-overs in the shared outbox, and the nodes' claim passes take the
 * outbox's claim lock one after another, so neither counts before the other's claims are
 * committed. Without the lock, two passes at the same moment each found room for the limit's worth
 * and handed over up to twice as many, and a pass could defer (set back to PENDING) a page the
 * other node had just claimed and was sending, which was then sent a second time.
 */
@Timeout(120)
class RateLimitOnTwoNodesIT {
    private static final int PHONES = 10;
    private static final int NOTICES_EACH = 8;
    private static final int LIMIT = 3;

    /**
     * Two nodes on one fresh PostgreSQL schema, each with its dispatcher and its recording phones,
     * and an incident nobody is on call for (no urgent page of its own) for the notices.
     */
    private static final class TwoNodes implements AutoCloseable {
        final MutableClock clock = MutableClock.at("2026-11-23T09:00:00Z");
        final RecordingPageChannel phonesA = new RecordingPageChannel(clock);
        final RecordingPageChannel phonesB = new RecordingPageChannel(clock);
        final ExecutorService senders = Executors.newFixedThreadPool(8);
        final ExecutorService nodes = Executors.newFixedThreadPool(2);
        final PgSchema pg;
        final Database a;
        final Database b;
        final Transactions txA;
        final long ticket;
        final long incident;
        final PageDispatcher nodeA;
        final PageDispatcher nodeB;

        TwoNodes() throws java.sql.SQLException {
            pg = PgSchema.fresh();
            a = Database.open(pg.config());
            b = Database.open(pg.config());
            txA = new JdbcTransactions(a.dataSource());
            ticket = new TicketService(txA, clock).openOrReuse(TicketSource.PHONE, "+12045559000", "Caller", "Acme",
                    Duration.ZERO).id();
            long id = new IncidentService(txA, clock, Duration.ofMinutes(30), Duration.ofMinutes(15), () -> { })
                    .openFromVoicemail(new VoicemailIncident(ticket, org.pagerline.core.ticket.Priority.P3, "+12045559000",
                            "Caller", "Acme", "+12045559000", "rec", clock.instant()));
            incident = id;
            txA.run(s -> s.pages().forIncident(id).forEach(p -> s.pages().markFailed(p.id(), "not this test's")));
            nodeA = dispatcher(txA, clock, phonesA, senders);
            nodeB = dispatcher(new JdbcTransactions(b.dataSource()), clock, phonesB, senders);
        }

        /** Notice number {@code n} to each phone, due now. */
        void noticeToEachPhone(int n) {
            Instant now = clock.instant();
            txA.run(s -> {
                for (int phone = 0; phone < PHONES; phone++) {
                    s.pages().insert(new Page(0, incident, ticket, null, "Tech " + phone, Channel.SMS, phone(phone),
                            PageKind.NOTICE, "N" + phone + n, "notice " + n + " to phone " + phone, Page.OTHER_STEP, 0,
                            false, PageState.PENDING, 0, now, now, null, null, null, null, null));
                }
            });
        }

        /** Both nodes' claim passes, let go at the same moment; then the clock moves 30 s. */
        void passBothAtOnce() throws Exception {
            CountDownLatch go = new CountDownLatch(1);
            Future<Integer> fa = nodes.submit(() -> { go.await(); return nodeA.dispatchDue(); });
            Future<Integer> fb = nodes.submit(() -> { go.await(); return nodeB.dispatchDue(); });
            go.countDown();
            fa.get(60, TimeUnit.SECONDS);
            fb.get(60, TimeUnit.SECONDS);
            clock.advance(Duration.ofSeconds(30));   // still inside the 10-minute window
        }

        List<RecordingPageChannel.Sent> sent() {
            return all(phonesA, phonesB);
        }

        @Override
        public void close() throws Exception {
            nodes.shutdownNow();
            senders.shutdownNow();
            b.close();
            a.close();
            pg.close();
        }
    }

    @Test
    void twoNodesPassingAtOnceHandAtMostTheLimitToEachPhoneAndDeferTheRestOnce() throws Exception {
        try (TwoNodes two = new TwoNodes()) {
            for (int round = 0; round < 10; round++) {   // a pass whose batch is all deferrals ends; the next goes on
                if (round < NOTICES_EACH) {
                    // a new notice to each phone each round: all the notices waiting for a phone go as one
                    // text, so each round that finds room hands one text to each phone
                    two.noticeToEachPhone(round);
                }
                two.passBothAtOnce();
            }
            Map<String, Integer> perPhone = new TreeMap<>();
            Map<Long, Integer> perPage = new HashMap<>();
            for (RecordingPageChannel.Sent s : two.sent()) {
                perPhone.merge(s.page().to(), 1, Integer::sum);
                perPage.merge(s.page().pageId(), 1, Integer::sum);
            }
            Map<String, Integer> expected = new TreeMap<>();
            for (int phone = 0; phone < PHONES; phone++) {
                expected.put(phone(phone), LIMIT);
            }
            assertEquals(expected, perPhone, "hand-overs per phone within the window, both nodes together");
            perPage.values().removeIf(n -> n == 1);
            assertEquals(Map.of(), perPage, "pages handed over more than once (page=times)");
            try (Connection c = two.pg.connect(); PreparedStatement st = c.prepareStatement(
                    "SELECT state, COUNT(*) FROM pages WHERE state<>'PENDING' OR next_attempt_at>? GROUP BY state ORDER BY state")) {
                st.setObject(1, java.time.OffsetDateTime.ofInstant(two.clock.instant(), java.time.ZoneOffset.UTC));
                Map<String, Integer> states = new TreeMap<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getString(1), rs.getInt(2));
                    }
                }
                assertEquals(Map.of("PENDING", PHONES * (NOTICES_EACH - LIMIT), "SENT", PHONES * LIMIT), states,
                        "the handed-over pages are SENT, every other one deferred past the window");
            }
        }
    }

    @Test
    void twoNodesPassingAtOnceSendTheNoticesWaitingForAPhoneAsOneDigestOnce() throws Exception {
        try (TwoNodes two = new TwoNodes()) {
            for (int n = 0; n < NOTICES_EACH; n++) {
                two.noticeToEachPhone(n);
            }
            for (int round = 0; round < 3; round++) {
                two.passBothAtOnce();
            }
            Map<String, Integer> perPhone = new TreeMap<>();
            for (RecordingPageChannel.Sent s : two.sent()) {
                perPhone.merge(s.page().to(), 1, Integer::sum);
                assertTrue(s.page().text().startsWith("pagerline: " + NOTICES_EACH + " notices: notice 0 to phone"), s.toString());
            }
            Map<String, Integer> expected = new TreeMap<>();
            for (int phone = 0; phone < PHONES; phone++) {
                expected.put(phone(phone), 1);
            }
            assertEquals(expected, perPhone, "one text per phone, both nodes together");
            Map<String, Integer> states = new TreeMap<>();
            two.txA.run(s -> s.pages().forIncident(two.incident).stream().filter(p -> p.kind() == PageKind.NOTICE)
                    .forEach(p -> states.merge(p.state().name(), 1, Integer::sum)));
            assertEquals(Map.of("SENT", PHONES * NOTICES_EACH), states, "every notice carried by its phone's digest");
        }
    }

    private static String phone(int i) {
        return "+1204555" + (1100 + i);
    }

    private static PageDispatcher dispatcher(Transactions tx, MutableClock clock, RecordingPageChannel phones,
            ExecutorService senders) {
        DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        return new PageDispatcher(tx, clock, phones.channels(), new RateLimit(LIMIT, Duration.ofMinutes(10)), delivery,
                Duration.ofSeconds(60), senders).withBundleGaps(new BundleGaps(Duration.ZERO, Duration.ZERO));
    }

    private static List<RecordingPageChannel.Sent> all(RecordingPageChannel... phones) {
        List<RecordingPageChannel.Sent> out = new ArrayList<>();
        for (RecordingPageChannel p : phones) {
            out.addAll(p.all());
        }
        return out;
    }
}
