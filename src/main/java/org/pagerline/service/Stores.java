package org.pagerline.service;

import org.pagerline.core.calendar.CalendarStore;
import org.pagerline.core.queue.QueueStore;
import org.pagerline.core.call.CallStore;
import org.pagerline.core.directory.ClientStore;
import org.pagerline.core.incident.IncidentStore;
import org.pagerline.core.page.PageStore;
import org.pagerline.core.roster.RosterStore;
import org.pagerline.core.ticket.TicketStore;
import org.pagerline.core.web.WebStore;

/** Every store, bound to one open transaction. Handed to the work given to {@link Transactions}. */
public interface Stores {
    RosterStore roster();

    CalendarStore calendar();

    TicketStore tickets();

    QueueStore queue();

    /** The support line's client directory. */
    ClientStore clients();

    /** The support line's calls. */
    CallStore calls();

    IncidentStore incidents();

    PageStore pages();

    /** The page list and the test pages (the admin's view of paging). */
    org.pagerline.core.page.PageLogStore pageLog();

    /** Staff accounts, browser sessions, portal links and attachments (the web). */
    WebStore web();

    /** Email intake's own state: threading, handled messages, the mail outbox. */
    org.pagerline.core.mail.MailStore mail();

    /**
     * Runs {@code then} once this transaction has committed with what called it (within
     * {@link Transactions#inOneCommit}, once its piece stood and the commit went through); never if
     * it was undone or rolled back, as a piece may be and then be written again. The default (a
     * stand-in's) runs it at once.
     */
    default void afterCommit(Runnable then) {
        then.run();
    }
}
