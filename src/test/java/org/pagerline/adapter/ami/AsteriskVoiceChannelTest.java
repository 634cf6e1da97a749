package org.pagerline.adapter.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pagerline.config.AmiConfig;
import org.pagerline.core.page.Channel;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageResponses;
import org.pagerline.service.SendResult;
import org.pagerline.testkit.Ports;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.FakeAmi;
import org.pagerline.testkit.MutableClock;

class AsteriskVoiceChannelTest {
    private final FakeAmi fake = new FakeAmi("pagerline", AmiFixture.SECRET, "helpdesk");
    private final List<DeliveryReport> reports = new CopyOnWriteArrayList<>();
    private final PageResponses responses = new PageResponses() {
        @Override
        public String onSmsReply(String fromE164, org.pagerline.core.page.SmsCommand command) {
        String body = command.words();
            return "";
        }

        @Override
        public Optional<PageBrief> brief(long pageId) {
            return Optional.empty();
        }

        @Override
        public KeyOutcome onPageKey(long pageId, org.pagerline.core.page.PageKey pressed) {
        String key = pressed.digit();
            return new KeyOutcome("", null, true);
        }

        @Override
        public void onConnected(long pageId, boolean connected, String detail) {}

        @Override
        public void onDelivery(DeliveryReport report) {
            reports.add(report);
        }
    };
    private final MutableClock clock = MutableClock.at("2026-11-23T16:00:00Z");
    private AmiSession session;

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
        fake.close();
    }

    private AsteriskVoiceChannel channel(int port) {
        AmiConfig c = AmiFixture.config(port, "ami.page-caller-id", "\"pagerline\" <+12045550100>");
        session = new AmiSession(c);
        AsteriskVoiceChannel ch = new AsteriskVoiceChannel(session, c, responses, clock).start();
        session.start();
        return ch;
    }

    private static OutgoingPage page(long id) {
        return new OutgoingPage(id, 7, 12, Channel.VOICE, "+12045550123", "Alice Tremblay", "urgent page", "vm/12", "12", 1);
    }

    @ParameterizedTest(name = "reason {0} -> {1}")
    @CsvSource({"1, NO_ANSWER", "3, NO_ANSWER", "5, NO_ANSWER", "8, TEMPORARY_FAILURE", "0, TEMPORARY_FAILURE"})
    void theOriginateResponseIsMatchedByActionIdAndReportedAsADeliveryResult(int reason, DeliveryReport.Outcome expected) {
        fake.originateReason(reason);
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);

        SendResult r = ch.send(page(42));

        assertEquals(SendResult.Status.ACCEPTED, r.status(), r.detail());
        Eventually.await(Duration.ofSeconds(10), "delivery report", () -> reports.size() == 1);
        DeliveryReport d = reports.get(0);
        assertEquals(42, d.pageId());
        assertEquals(r.providerId(), d.providerId());
        assertEquals(expected, d.outcome());
        assertEquals(0, ch.pendingCalls());

        FakeAmi.Action o = fake.actions("Originate").get(0);
        assertEquals("PJSIP/12045550123@trunk", o.get("Channel"));
        assertEquals("pagerline-page", o.get("Context"));
        assertEquals("s", o.get("Exten"));
        assertEquals("1", o.get("Priority"));
        assertEquals("true", o.get("Async").toLowerCase());
        assertEquals("30000", o.get("Timeout"));
        assertEquals("\"pagerline\" <+12045550100>", o.get("CallerID"));
        assertTrue(o.get("Variable").contains("PAGERLINE_PAGE_ID=42"), o.get("Variable"));
    }

    @Test
    void answeredIsNotYetDeliveredTheCallsScriptDecides() {
        fake.originateReason(4);
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);

        assertEquals(SendResult.Status.ACCEPTED, ch.send(page(42)).status());
        Eventually.await(Duration.ofSeconds(10), "response handled", () -> ch.answeredCalls() == 1);
        drain();

        assertTrue(reports.isEmpty(), "a voicemail answers too: only a key on the paging call settles it " + reports);
    }

    @Test
    void anAnsweredCallWhoseScriptNeverReportsIsANoAnswerAfterTheScriptLimit() {
        fake.originateReason(4);
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);
        SendResult sent = ch.send(page(42));
        Eventually.await(Duration.ofSeconds(10), "answered", () -> ch.answeredCalls() == 1);

        clock.advance(AsteriskVoiceChannel.SCRIPT_LIMIT);     // exactly at the limit: the script may still report
        session.submit(ch::expireOverdue);
        drain();
        assertTrue(reports.isEmpty(), reports.toString());

        clock.advance(Duration.ofSeconds(1));                // the script never ran (agi.allow, wrong context...)
        session.submit(ch::expireOverdue);
        drain();
        assertEquals(1, reports.size(), reports.toString());
        DeliveryReport d = reports.get(0);
        assertEquals(42, d.pageId());
        assertEquals(sent.providerId(), d.providerId(), "names this call, so a later attempt is not touched");
        assertEquals(DeliveryReport.Outcome.NO_ANSWER, d.outcome());
        assertEquals("AMI_SCRIPT_SILENT", d.errorCode());
        assertEquals(0, ch.pendingCalls());
    }

    @Test
    void anOriginateWhoseResponseNeverComesIsReportedAfterTheRingTimeoutAndMargin() {
        fake.originateReason(null);
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);
        ch.send(page(7));
        Eventually.await(Duration.ofSeconds(10), "the originate", () -> fake.actions("Originate").size() == 1);
        FakeAmi.Action originate = fake.actions("Originate").get(0);

        clock.advance(Duration.ofSeconds(30).plus(AsteriskVoiceChannel.RESPONSE_MARGIN)); // exactly at the limit: wait on
        session.submit(ch::expireOverdue);
        drain();
        assertTrue(reports.isEmpty(), reports.toString());

        clock.advance(Duration.ofSeconds(1));
        session.submit(ch::expireOverdue);
        drain();
        assertEquals(1, reports.size(), reports.toString());
        assertEquals(7, reports.get(0).pageId());
        assertEquals(DeliveryReport.Outcome.TEMPORARY_FAILURE, reports.get(0).outcome());
        assertEquals("AMI_NO_RESPONSE", reports.get(0).errorCode());
        assertEquals(0, ch.pendingCalls());

        fake.answerOriginate(originate, 4);                 // far too late: already given up on
        session.submit(ch::expireOverdue);
        drain();
        assertEquals(1, reports.size(), reports.toString());
    }

    @Test
    void aDroppedAmiLinkGivesUpOnEachCallOnlyAtItsUsualDeadline() {
        fake.originateReason(null);
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);
        ch.send(page(8));
        clock.advance(Duration.ofSeconds(10));
        ch.send(page(9));
        Eventually.await(Duration.ofSeconds(10), "two originates", () -> fake.actions("Originate").size() == 2);

        fake.dropConnections();                              // both calls may still be ringing
        Eventually.await(Duration.ofSeconds(10), "link down", () -> !session.isUp());
        drain();
        assertTrue(reports.isEmpty(), "a second call now would ring a phone that still rings: " + reports);
        assertEquals(2, ch.pendingCalls());

        clock.advance(Duration.ofSeconds(20).plus(AsteriskVoiceChannel.RESPONSE_MARGIN).plusSeconds(1)); // page 8's deadline
        session.submit(ch::expireOverdue);
        drain();
        assertEquals(1, reports.size(), reports.toString());
        assertEquals(8, reports.get(0).pageId());
        assertEquals(DeliveryReport.Outcome.TEMPORARY_FAILURE, reports.get(0).outcome());
        assertEquals("AMI_LOST", reports.get(0).errorCode());

        clock.advance(Duration.ofSeconds(10));               // page 9's deadline
        session.submit(ch::expireOverdue);
        drain();
        assertEquals(2, reports.size(), reports.toString());
        assertEquals(9, reports.get(1).pageId());
        assertEquals("AMI_LOST", reports.get(1).errorCode());
        assertEquals(0, ch.pendingCalls());
    }

    @Test
    void aResponseThatComesOnTheNextLinkIsStillMatched() {
        fake.originateReason(null);
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);
        SendResult sent = ch.send(page(8));
        Eventually.await(Duration.ofSeconds(10), "the originate", () -> fake.actions("Originate").size() == 1);

        fake.dropConnections();
        Eventually.await(Duration.ofSeconds(10), "link down", () -> !session.isUp());
        Eventually.await(Duration.ofSeconds(10), "link back", session::isUp);
        // Asterisk sends OriginateResponse to every manager session, the new one included
        fake.answerOriginate(fake.actions("Originate").get(0), 3);

        Eventually.await(Duration.ofSeconds(10), "the report", () -> reports.size() == 1);
        assertEquals(DeliveryReport.Outcome.NO_ANSWER, reports.get(0).outcome());
        assertEquals(sent.providerId(), reports.get(0).providerId());
        assertEquals(0, ch.pendingCalls());
    }

    private void drain() {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        session.submit(done::countDown);
        Eventually.await(Duration.ofSeconds(10), "ami-worker idle", () -> done.getCount() == 0);
    }

    @Test
    void outOfOrderResponsesAreMatchedToTheirOwnPages() {
        fake.originateReason(null); // answer by hand, out of order
        fake.start();
        AsteriskVoiceChannel ch = channel(fake.port());
        Eventually.await(Duration.ofSeconds(10), "AMI up", session::isUp);
        ch.send(page(1));
        ch.send(page(2));
        Eventually.await(Duration.ofSeconds(10), "two originates", () -> fake.actions("Originate").size() == 2);

        fake.answerOriginate(fake.actions("Originate").get(1), 5);
        fake.answerOriginate(fake.actions("Originate").get(0), 8);

        Eventually.await(Duration.ofSeconds(10), "two reports", () -> reports.size() == 2);
        assertEquals(2, reports.get(0).pageId());
        assertEquals(DeliveryReport.Outcome.NO_ANSWER, reports.get(0).outcome());
        assertEquals(1, reports.get(1).pageId());
        assertEquals(DeliveryReport.Outcome.TEMPORARY_FAILURE, reports.get(1).outcome());
    }

    @Test
    void withAmiDownTheSendIsATemporaryFailureAtOnce() {
        AsteriskVoiceChannel ch = channel(Ports.free());

        SendResult r = ch.send(page(9));

        assertEquals(SendResult.Status.TEMPORARY_FAILURE, r.status());
        assertEquals("AMI_DOWN", r.errorCode());
        assertTrue(reports.isEmpty());
    }
}
