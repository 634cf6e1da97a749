package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.CALLER;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.PagingHarness;
import org.pagerline.testkit.RecordingPageChannel;

/** An urgent caller who hung up before the tone is paged for, with words that do not promise a message. */
class PageWithoutAMessageTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    private long hungUpBeforeTheMessage() {
        Ticket t = h.tickets.openOrReuse(TicketSource.PHONE, CALLER, "Jane Doe", "Acme", Duration.ofHours(1));
        return h.incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P2, CALLER, "Jane Doe", "Acme",
                CALLER, null, h.clock.instant()));
    }

    @Test
    void theSmsSaysTheCallerLeftNoMessage() {
        long n = hungUpBeforeTheMessage();
        h.pass();

        for (String to : new String[] {PAT, SAM}) {
            RecordingPageChannel.Sent sms = h.expectSms(to, "Reply " + n + "a");
            String text = sms.page().text();
            assertFalse(text.contains("left an urgent message"), text);
            assertTrue(text.contains("called urgently at") && text.contains("hung up before leaving a message"), text);
            String said = h.expectCall(to).page().text();
            assertFalse(said.contains("Their message follows"), said);
            assertTrue(said.contains("No message was left."), said);
        }
        h.expectNothingElse();
    }

    @Test
    void withAMessageTheSmsStillSaysSo() {
        long n = h.voicemail(Priority.P2);
        h.pass();

        String text = h.expectSms(PAT, "Reply " + n + "a").page().text();
        assertTrue(text.contains("left an urgent message at"), text);
        assertTrue(h.expectCall(PAT).page().text().contains("Their message follows"));
        h.expectPaged(SAM, n);
        h.expectNothingElse();
    }
}
