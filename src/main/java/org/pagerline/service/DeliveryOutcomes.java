package org.pagerline.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.PageState;
import org.pagerline.core.roster.Technician;

/**
 * Applies the delivery policy to a failed hand-over or a failed delivery report, inside the
 * caller's transaction, and writes what happened on the ticket: a retry with back-off, a move to
 * the other channel, or giving up.
 */
final class DeliveryOutcomes {
    private final DeliveryPolicy policy;

    DeliveryOutcomes(DeliveryPolicy policy) {
        this.policy = policy;
    }

    /**
     * As {@link #failed(Stores, Page, DeliveryPolicy.Failure, String, Instant)}, first recording an SMS
     * refused for good because the phone opted out ({@link SendResult#OPTED_OUT}): no more texts to it
     * until it sends START, exactly as if it had texted STOP to pagerline.
     */
    Optional<Instant> failed(Stores s, Page page, DeliveryPolicy.Failure failure, String errorCode, String why,
            Instant now) {
        if (failure == DeliveryPolicy.Failure.PERMANENT && SendResult.OPTED_OUT.equals(errorCode)
                && page.channel() == Channel.SMS && !s.pages().isOptedOut(page.to())) {
            s.pages().optOut(page.to(), now);
            s.tickets().addEvent(page.ticketId(), now, "SMS_OPTED_OUT", page.technicianName() + "'s phone " + page.to()
                    + " opted out of texts at the provider; pages to it go by voice until it texts START");
        }
        return failed(s, page, failure, why, now);
    }

    /** Returns the instant of a scheduled retry or fallback, if any (so the caller can wake the engine). */
    Optional<Instant> failed(Stores s, Page page, DeliveryPolicy.Failure failure, String why, Instant now) {
        if (page.kind() == PageKind.NOTICE && page.step() != Page.TAKEN_STEP) {   // a digest is such a notice
            List<Page> carried = s.pages().carriedBy(page.id());
            if (!carried.isEmpty()) {
                return digestFailed(s, page, carried, failure, why, now);
            }
        }
        // the pages it carried (an urgent bundle) did not reach the phone either: they go again on their own
        int released = s.pages().releaseCarried(page.id(), now);
        if (released > 0) {
            s.tickets().addEvent(page.ticketId(), now, "PAGE_RETRY", describe(page) + " carried " + released
                    + " other page(s); they are sent again");
        }
        Optional<Instant> wake = decide(s, page, failure, why, now);
        return wake.isEmpty() && released > 0 ? Optional.of(now) : wake;
    }

    /**
     * A digest of notices (PageDispatcher#claimNotices) did not go: it is not tried again itself.
     * Each notice it carried is back on its own, and fares as if it had been sent alone and failed
     * so: a retry after the back-off (then a digest again, in the same words), its fallback to voice
     * once its attempts are spent or the failure is for good, or nothing if it is no longer wanted
     * (its caller was called back meanwhile). Nothing waits on the failed digest, so a call-back or
     * a resolve finds the notices it must cancel. A digest whose outcome is unknown is the exception:
     * it is retried itself (the provider is asked first), since the phone may already have it.
     */
    private Optional<Instant> digestFailed(Stores s, Page digest, List<Page> carried, DeliveryPolicy.Failure failure,
            String why, Instant now) {
        if (s.pages().unconfirmedSince(digest.id()).isPresent()) {
            // its outcome is unknown: the phone may have it. It is retried itself, asking the
            // provider first, with its notices; let go only once its attempts are spent.
            Optional<Instant> retry = decide(s, digest, failure, why, now);
            if (retry.isPresent()) {
                return retry;
            }
        }
        s.pages().markFailed(digest.id(), why);
        s.tickets().addEvent(digest.ticketId(), now, "PAGE_FAILED", describe(digest) + ", one text for "
                + carried.size() + " notices, failed (" + why + "); each notice goes again on its own schedule");
        s.pages().releaseCarried(digest.id(), now);
        Optional<Instant> wake = Optional.empty();
        for (Page m : carried) {
            if (m.state() != PageState.SENT) {
                continue;   // releaseCarried let go only the SENT ones (a carried notice is SENT until then)
            }
            Optional<Instant> w = decide(s, m, failure, why, now);
            if (w.isPresent() && (wake.isEmpty() || w.get().isBefore(wake.get()))) {
                wake = w;
            }
        }
        return wake.or(() -> Optional.of(now));
    }

    private Optional<Instant> decide(Stores s, Page page, DeliveryPolicy.Failure failure, String why, Instant now) {
        String what = describe(page);
        Optional<Incident> incident = s.incidents().find(page.incidentId());
        Optional<String> unwanted = unwanted(s, page, incident);
        if (unwanted.isPresent()) {
            s.pages().markFailed(page.id(), why);
            s.tickets().addEvent(page.ticketId(), now, "PAGE_FAILED", what + " failed (" + why
                    + "); not retried: " + unwanted.get());
            return Optional.empty();
        }
        // A hand-over's retry counts from when it was handed over, not from when a slow provider
        // answered (or gave up): retries stay on schedule. Delivery reports count from now.
        Instant base = page.state() == PageState.SENDING && page.claimedAt() != null ? page.claimedAt() : now;
        DeliveryPolicy.Action a = policy.after(page, failure, base);
        switch (a.kind()) {
            case RETRY -> {
                s.pages().reschedule(page.id(), a.at(), why);
                s.tickets().addEvent(page.ticketId(), now, "PAGE_RETRY", what + " failed, temporary (" + why + "); retry "
                        + (page.attempts() + 1) + " of " + policy.maxAttempts() + " at " + a.at());
                return Optional.of(a.at());
            }
            case FALLBACK -> {
                if (!s.pages().markFailed(page.id(), why)) {
                    return Optional.empty();   // a second report of a failure already decided (a webhook's retry)
                }
                Channel other = Page.other(page.channel());
                Optional<Technician> tech = page.technicianId() == null ? Optional.empty()
                        : s.roster().technician(page.technicianId());
                String reason = failure == DeliveryPolicy.Failure.PERMANENT ? "for good" : "after " + page.attempts() + " attempts";
                // a ticket's service-level notice has no incident behind it, and falls back all the same:
                // the team lead must hear of the clock (the voice notice says which one)
                // (a digest of notices names none: its notices fall back each on its own, digestFailed)
                boolean ticketNotice = page.incidentId() == 0 && page.kind() == PageKind.NOTICE && page.notice() != null;
                if (tech.isEmpty() || incident.isEmpty() && !ticketNotice) {
                    s.tickets().addEvent(page.ticketId(), now, "PAGE_FAILED", what + " failed " + reason + " (" + why + ")");
                    return Optional.empty();
                }
                if (other == Channel.SMS && s.pages().isOptedOut(tech.get().textPhone())) {
                    s.tickets().addEvent(page.ticketId(), now, "PAGE_FAILED", what + " failed " + reason + " (" + why
                            + "); no SMS fallback: the phone opted out");
                    return Optional.empty();
                }
                // (a ticket's notice goes on one channel only, and its fallback never falls back again)
                boolean covered = !ticketNotice && s.pages().forIncident(page.incidentId()).stream().anyMatch(p -> p.channel() == other
                        && p.kind() == page.kind() && p.step() == page.step() && p.cycle() == page.cycle()
                        && page.technicianId().equals(p.technicianId()) && p.state() != PageState.FAILED
                        && p.state() != PageState.CANCELLED);
                if (covered) {
                    s.tickets().addEvent(page.ticketId(), now, "PAGE_FAILED", what + " failed " + reason + " (" + why
                            + "); the " + other.name().toLowerCase() + " page to them stands");
                    return Optional.empty();
                }
                Technician t = tech.get();
                String text = page.kind() == PageKind.PAGE ? PageTexts.page(incident.get(), other, t) : page.text();
                s.pages().insert(Page.pending(page.incidentId(), page.ticketId(), t.id(), t.name(), other,
                        PageWriter.number(t, other), page.kind(), page.replyCode(), text, page.step(), page.cycle(), true, now)
                        .telling(page.notice()));
                s.tickets().addEvent(page.ticketId(), now, "PAGE_FALLBACK", what + " failed " + reason + " (" + why
                        + "); trying " + other.name().toLowerCase() + " instead");
                return Optional.of(now);
            }
            default -> {
                s.pages().markFailed(page.id(), why);
                s.tickets().addEvent(page.ticketId(), now, "PAGE_FAILED", what + " failed (" + why + "); no channel left");
                return Optional.empty();
            }
        }
    }

    /**
     * Why {@code page} is no longer worth sending, if it is not: a PAGE of an incident no longer
     * OPEN, a notice (other than "X took it") of an incident that no longer awaits a call-back, or
     * a ticket's warning gone stale ({@link #staleWarning}).
     */
    static Optional<String> unwanted(Stores s, Page page, Optional<Incident> incident) {
        return staleWarning(s, page).or(() -> unwanted(page, incident));
    }

    /**
     * Why a ticket's service-level warning is no longer worth sending, if it is not: its clock was
     * met or stopped since it was written, or its ticket was closed (an incident's resolve closes
     * the ticket row before the ticket engine stops its clocks). Empty for any other page, and for a
     * breach: once missed, a target is news. Reads, locks nothing.
     */
    static Optional<String> staleWarning(Stores s, Page page) {
        Optional<org.pagerline.core.ticket.ClockKind> clock = page.incidentId() != 0 || page.notice() == null
                ? Optional.empty() : TicketClockEngine.warnedClock(page.notice());
        if (clock.isEmpty()) {
            return Optional.empty();
        }
        org.pagerline.core.ticket.ClockKind warned = clock.get();
        boolean closed = s.tickets().find(page.ticketId())
                .map(t -> t.status() != org.pagerline.core.ticket.TicketStatus.OPEN).orElse(true);
        boolean running = !closed && s.tickets().life(page.ticketId()).flatMap(l -> l.clock(warned))
                .map(c -> c.live() && !c.startedAt().isAfter(page.createdAt())).orElse(false);
        return running ? Optional.empty() : Optional.of("the target was met or the ticket closed meanwhile");
    }

    /** As {@link #unwanted(Stores, Page, Optional)}, the incident's part alone (reads nothing of the ticket). */
    static Optional<String> unwanted(Page page, Optional<Incident> incident) {
        if (page.incidentId() == 0) {
            return Optional.empty();   // a ticket's service-level notice: no incident behind it, always wanted
        }
        if (page.kind() == PageKind.PAGE && incident.map(i -> i.state() != IncidentState.OPEN).orElse(true)) {
            return Optional.of("the incident is no longer open");
        }
        if (page.kind() == PageKind.NOTICE && page.step() != Page.TAKEN_STEP
                && incident.map(i -> !i.state().awaitsCallback()).orElse(true)) {
            return Optional.of("the caller was called back or the incident resolved");
        }
        return Optional.empty();
    }

    static String describe(Page p) {
        return (p.channel() == Channel.SMS ? "SMS" : "call") + " to " + p.technicianName() + " (" + p.to() + ")";
    }

    static String why(String errorCode, String detail) {
        String d = detail == null || detail.isBlank() ? "no detail" : detail;
        return errorCode == null || errorCode.isBlank() ? d : errorCode + ": " + d;
    }
}
