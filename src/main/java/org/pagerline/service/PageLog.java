package org.pagerline.service;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageLogStore;
import org.pagerline.core.page.PageState;
import org.pagerline.core.roster.Technician;

/**
 * The admin's view of paging: the pages sent ({@code page list}) and test pages sent through the
 * configured provider to check it ({@code page test}), part of no incident.
 *
 * <p>A test page goes to its provider as page id {@link #ID_BASE} + its own id, so the provider's
 * delivery report, and on a paging call the key pressed, come back through {@link #responses}
 * to the test page rather than to the outbox (whose ids never come near it).
 */
public final class PageLog {
    /** Test page N is page {@code ID_BASE + N} to the providers. */
    public static final long ID_BASE = 1_000_000_000_000_000L;
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm zzz", Locale.ENGLISH);

    private final Transactions tx;
    private final Clock clock;
    private volatile Map<Channel, PageChannel> channels;

    public PageLog(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    /** The server's page channels; until then (a command run without the server) test pages are refused. */
    public void attach(Map<Channel, PageChannel> channels) {
        this.channels = Map.copyOf(channels);
    }

    /** Pages newest first: of one incident, or all with the test pages; since an instant when given. */
    public List<PageLogStore.Entry> list(Long incidentId, Instant since, int limit) {
        if (limit < 1) {
            throw new ValidationException("--limit must be at least 1, got " + limit);
        }
        return tx.inTransaction(s -> {
            if (incidentId != null && s.incidents().find(incidentId).isEmpty()) {
                throw new NotFoundException("no incident with id " + incidentId);
            }
            return s.pageLog().pages(incidentId, since, limit);
        });
    }

    /** What a test page came to: the row as written after the hand-over, and the channel's answer. */
    public record TestResult(PageLogStore.Entry page, SendResult result) {}

    /**
     * Sends a test page to the technician now, through the provider configured for {@code channel}
     * (the voice number for a call, the SMS number for a text), and records it. Not rate-limited and
     * not retried: it is a check of the provider, and the answer is the provider's own.
     */
    public TestResult sendTest(String techRef, Channel channel) {
        Map<Channel, PageChannel> ch = channels;
        if (ch == null) {
            throw new ValidationException("page test sends through the running server's providers: start it with"
                    + " 'pagerline server' and run the command again");
        }
        PageChannel provider = ch.get(channel);
        Instant now = clock.instant();
        Object[] made = tx.inTransaction(s -> {
            Technician t = RosterService.resolve(s.roster(), techRef);
            String to = channel == Channel.SMS ? t.textPhone() : t.phone();
            ZoneId zone = s.calendar().deskZone();
            long id = s.pageLog().insertTest(t.id(), t.name(), channel, to, provider.name(), now);
            return new Object[] {t, to, id, zone};
        });
        Technician t = (Technician) made[0];
        String to = (String) made[1];
        long id = (Long) made[2];
        String text = "pagerline test page for " + t.name() + ", sent " + HHMM.format(now.atZone((ZoneId) made[3]))
                + ". No reply needed: this checks that pages reach you.";
        SendResult r;
        try {
            r = provider.send(new OutgoingPage(ID_BASE + id, 0, 0, channel, to, t.name(), text, null, "test", 1));
            if (r == null) {
                r = SendResult.temporary(null, provider.name() + " returned nothing");
            }
        } catch (RuntimeException e) {
            r = SendResult.temporary(null, provider.name() + " failed: " + e.getMessage());
        }
        SendResult result = r;
        PageState state = result.status() == SendResult.Status.ACCEPTED ? PageState.SENT : PageState.FAILED;
        String detail = result.status() == SendResult.Status.ACCEPTED ? result.detail()
                : result.status() + (result.errorCode() == null ? "" : " " + result.errorCode()) + ": " + result.detail();
        return tx.inTransaction(s -> {
            s.pageLog().updateTest(id, state, result.providerId(), detail, clock.instant());
            return new TestResult(s.pageLog().test(id).orElseThrow(), result);
        });
    }

    /** A delivery report or key press for a test page: recorded on it (a DELIVERED one stays so). */
    void delivered(long testId, PageState state, String detail) {
        tx.run(s -> {
            Optional<PageLogStore.Entry> p = s.pageLog().test(testId);
            if (p.isPresent() && p.get().state() != PageState.DELIVERED) {
                s.pageLog().updateTest(testId, state, null, detail, null);
            }
        });
    }

    public static boolean isTest(long pageId) {
        return pageId > ID_BASE;
    }

    /**
     * The adapters' {@link PageResponses}: a test page's delivery report, brief and key press are
     * answered here; everything else goes to {@code paging}.
     */
    public PageResponses responses(PageResponses paging) {
        return new PageResponses() {
            @Override
            public String onSmsReply(String fromE164, org.pagerline.core.page.SmsCommand command) {
                return paging.onSmsReply(fromE164, command);
            }

            @Override
            public Optional<PageBrief> brief(long pageId) {
                if (!isTest(pageId)) {
                    return paging.brief(pageId);
                }
                return tx.inTransaction(s -> s.pageLog().test(pageId - ID_BASE)).map(p -> PageBrief.notice(pageId, 0, 0,
                        "This is a test page from pagerline for " + p.technicianName() + ". No action is needed.", null, null,
                        org.pagerline.core.page.Notice.TEST));
            }

            @Override
            public Optional<Taken> takenBy(long pageId) {
                return isTest(pageId) ? Optional.empty() : paging.takenBy(pageId);
            }

            @Override
            public KeyOutcome onPageKey(long pageId, org.pagerline.core.page.PageKey key) {
                if (!isTest(pageId)) {
                    return paging.onPageKey(pageId, key);
                }
                delivered(pageId - ID_BASE, PageState.DELIVERED, "answered, " + (key == org.pagerline.core.page.PageKey.OTHER ? "a key" : "key " + key.digit()) + " pressed");
                return new KeyOutcome("Test page received. Goodbye.", null, true);
            }

            @Override
            public void onConnected(long pageId, boolean connected, String detail) {
                if (!isTest(pageId)) {
                    paging.onConnected(pageId, connected, detail);
                }
            }

            @Override
            public void onDelivery(DeliveryReport report) {
                if (!isTest(report.pageId())) {
                    paging.onDelivery(report);
                    return;
                }
                PageState state = report.outcome() == DeliveryReport.Outcome.DELIVERED ? PageState.DELIVERED : PageState.FAILED;
                delivered(report.pageId() - ID_BASE, state, report.outcome() + (report.detail() == null ? ""
                        : ": " + report.detail()));
            }
        };
    }
}
