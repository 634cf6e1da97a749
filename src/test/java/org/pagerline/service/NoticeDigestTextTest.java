package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;

/** The words of a digest: every notice said once, in order, and what does not fit counted. */
class NoticeDigestTextTest {
    private static Page notice(String text) {
        return Page.pending(1, 1, 1L, "Pat", Channel.SMS, "+12045550101", PageKind.NOTICE, "1", text, -1, 0, false,
                Instant.parse("2026-03-03T03:00:00Z"));
    }

    @Test
    void eachNoticeIsSaidOnceInOrderWithItsRepeatsCounted() {
        String text = PageTexts.digest(List.of(notice("pagerline P1 ticket 7: Jane left ANOTHER urgent message."),
                notice("pagerline LATE ticket 9: Omar was not called back within 30 min."),
                notice("pagerline P1 ticket 7: Jane left ANOTHER urgent message.")));
        assertEquals("pagerline: 3 notices: P1 ticket 7: Jane left ANOTHER urgent message. (x2)"
                + " | LATE ticket 9: Omar was not called back within 30 min.", text);
    }

    @Test
    void aDigestOfOneNoticeIsThatNoticesOwnWords() {
        assertEquals("pagerline P1 ticket 7: Jane left ANOTHER urgent message.",
                PageTexts.digest(List.of(notice("pagerline P1 ticket 7: Jane left ANOTHER urgent message."))));
    }

    @Test
    void anOutagesBacklogFitsOneTextAndCountsWhatItLeavesToTheConsole() {
        List<Page> backlog = new ArrayList<>();
        for (int ticket = 1; ticket <= 400; ticket++) {
            backlog.add(notice("pagerline P2 ticket " + ticket + ": caller " + ticket + " left ANOTHER urgent message;"
                    + " call back +1204555" + String.format("%04d", ticket) + ". Reply " + ticket + "c once called."));
        }
        String text = PageTexts.digest(backlog);
        assertTrue(text.length() <= Page.MAX_TEXT, text.length() + " characters");
        assertTrue(text.startsWith("pagerline: 400 notices: P2 ticket 1: "), text);
        int said = text.split(" \\| ").length - 1;      // the items, less the closing count
        assertTrue(said >= 5, "as many as fit: " + text);
        assertTrue(text.endsWith(" | and " + (400 - said) + " more on the console."), text);
    }
}
