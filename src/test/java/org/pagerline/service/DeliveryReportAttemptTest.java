package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageState;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PagingHarness;

/** A delivery report counts only for the hand-over it names: an earlier attempt's report changes nothing. */
class DeliveryReportAttemptTest {
    final PagingHarness h = new PagingHarness().withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    private Page callToPat(long incident) {
        return h.incidents.show(incident).pages().stream().filter(p -> p.channel() == Channel.VOICE && p.to().equals(PAT))
                .findFirst().orElseThrow();
    }

    private long pagedIncident() {
        long id = h.voicemailPagingPatAndSam(Priority.P3);
        return id;
    }

    @Test
    void aReportNamingAnotherHandOverThanTheCurrentOneIsIgnored() {
        long id = pagedIncident();
        Page call = callToPat(id);
        assertEquals("fake-" + call.id() + "-1", call.providerId());

        h.paging.onDelivery(new DeliveryReport(call.id(), "an-earlier-call", DeliveryReport.Outcome.NO_ANSWER, null, "rang out"));

        assertEquals(PageState.SENT, callToPat(id).state(), "the current call still rings");
        assertEquals(1, callToPat(id).attempts());
    }

    @Test
    void whileThePageIsBeingSentAgainTheLastAttemptsLateReportIsIgnored() {
        long id = pagedIncident();
        Page call = callToPat(id);
        h.paging.onDelivery(new DeliveryReport(call.id(), call.providerId(), DeliveryReport.Outcome.NO_ANSWER, null, "rang out"));
        assertEquals(PageState.PENDING, callToPat(id).state());
        h.tx.run(s -> s.pages().claim(call.id(), PageState.PENDING, null, h.clock.instant()));  // attempt 2 in hand-over

        // attempt 1's channel reports again (e.g. AMI giving up on it): attempt 2 must not be touched
        h.paging.onDelivery(new DeliveryReport(call.id(), call.providerId(), DeliveryReport.Outcome.TEMPORARY_FAILURE,
                "AMI_LOST", "link dropped"));

        assertEquals(PageState.SENDING, callToPat(id).state());
    }

    @Test
    void theChannelsNoAnswerAfterTheScriptsDeliveredChangesNothing() {
        long id = pagedIncident();
        Page call = callToPat(id);
        // the paging call's script: a key was pressed (it reports without a provider id)
        h.paging.onDelivery(new DeliveryReport(call.id(), null, DeliveryReport.Outcome.DELIVERED, null, "key 1"));
        // then the AMI channel's watch on the answered call runs out
        h.paging.onDelivery(new DeliveryReport(call.id(), call.providerId(), DeliveryReport.Outcome.NO_ANSWER,
                "AMI_SCRIPT_SILENT", "answered, never reported"));

        assertEquals(PageState.DELIVERED, callToPat(id).state());
    }
}
