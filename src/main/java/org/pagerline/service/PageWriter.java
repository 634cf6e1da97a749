package org.pagerline.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.roster.Technician;

/**
 * Writes pages to the outbox, inside the caller's transaction. A PAGE goes by SMS and by voice
 * call; a NOTICE by SMS only. An opted-out phone (it sent STOP) gets no SMS: voice instead.
 */
final class PageWriter {
    private PageWriter() {}

    /**
     * One technician's notice telling {@code notice} in the words {@code noticeText}, written now
     * and never held. Returns a short description for the ticket.
     */
    static String write(Stores s, Incident i, Technician t, Notice notice, String noticeText, int step, int cycle, Instant now) {
        List<Page> pages = new ArrayList<>(2);
        String who = add(i, t, s.pages().isOptedOut(t.textPhone()), PageKind.NOTICE, notice, noticeText, step, cycle, now,
                Hold.NEVER, new ArrayList<>(), pages);
        s.pages().insertAll(pages);
        return who;
    }

    /** Until when a page to a phone on a channel must wait (the bundle gap), if it must. */
    interface Hold {
        Hold NEVER = (p, now) -> java.util.Optional.empty();

        java.util.Optional<Instant> until(Page p, Instant now);
    }

    /**
     * As {@link #write}, but the pages are added to {@code pages} for the caller to insert with its
     * other technicians' (one statement for a whole escalation step: in an outage the engine writes
     * thousands), the caller says whether the technician's phone opted out of texts
     * ({@code smsOff}), and a page asking for an acknowledgement that {@code hold} says must wait
     * is made waiting (until its {@code nextAttemptAt}) and added to {@code held}: its ticket is
     * told after the line saying who was paged. A NOTICE names what it tells ({@code notice}), so
     * that a call can say it; a PAGE has none.
     */
    static String add(Incident i, Technician t, boolean smsOff, PageKind kind, Notice notice, String noticeText, int step,
            int cycle, Instant now, Hold hold, List<Page> held, List<Page> pages) {
        List<Channel> channels = new ArrayList<>();
        if (!smsOff) {
            channels.add(Channel.SMS);
        }
        if (kind == PageKind.PAGE || smsOff) {
            channels.add(Channel.VOICE);
        }
        for (Channel c : channels) {
            String text;
            if (noticeText == null) {
                text = PageTexts.page(i, c, t);
            } else if (c == Channel.VOICE && kind == PageKind.PAGE) {
                text = "This page is late: the caller has not been called back in time. " + PageTexts.spoken(i);
            } else {
                text = noticeText;
            }
            Page p = Page.pending(i.id(), i.ticketId(), t.id(), t.name(), c, number(t, c), kind, Long.toString(i.id()), text,
                    step, cycle, false, now).telling(kind == PageKind.NOTICE ? notice : null);
            java.util.Optional<Instant> until = kind == PageKind.PAGE ? hold.until(p, now) : java.util.Optional.empty();
            if (until.isPresent()) {
                p = p.heldUntil(until.get());
                held.add(p);
            }
            pages.add(p);
        }
        return t.name() + " (" + String.join("+", channels.stream().map(c -> c.name().toLowerCase()).toList())
                + (smsOff ? ", SMS opted out" : "") + ")";
    }

    static String number(Technician t, Channel c) {
        return c == Channel.SMS ? t.textPhone() : t.phone();
    }
}
