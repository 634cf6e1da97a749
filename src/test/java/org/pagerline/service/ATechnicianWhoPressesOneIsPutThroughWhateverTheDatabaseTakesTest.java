package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.UrgentCallers;

/**
 * The on-call technician pressed 1 with the caller still on the line (the accept script): the two are
 * put through once the acceptance is written, or at the wait's end (the server: line.hold-after)
 * whatever the database is doing. Here the caller's ticket is held by another transaction (a frozen
 * node's, a lock taken by hand), so the acceptance, which writes a line on it, waits for the ticket.
 * The H2 file as `pagerline server` opens it. The real Asterisk shows the same in
 * {@code TicketHeldElsewhereAsteriskIT}.
 */
class ATechnicianWhoPressesOneIsPutThroughWhateverTheDatabaseTakesTest extends OnTheServersDatabase {
    private static final Duration WAIT = Duration.ofMillis(300);

    /** A technician on the roster; their id. */
    private static long technician(TestDatabase db, MutableClock clock, String name, String phone) {
        return db.transactions().inTransaction(s -> s.roster().insertTechnician(new Technician(0, name, phone, null, null,
                java.time.ZoneId.of("America/Winnipeg")), clock.instant())).id();
    }

    /** The call service of node "node-a" on {@code db}. */
    private static CallService node(TestDatabase db, MutableClock clock) {
        return UrgentCallers.node(db.transactions(), db.transactions(), clock, new RecordingIncidentOpener(), "node-a");
    }

    @Test
    void aCallerWhoseTicketIsHeldIsPutThroughAtTheWaitsEndAndTheAcceptanceIsWrittenBeforeTheCallsEnd() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T03:00:00Z");
        RecordingIncidentOpener opener = new RecordingIncidentOpener();
        CallService calls = UrgentCallers.node(db.transactions(), db.transactions(), clock, opener, "node-a");
        String uid = "1765076400.1";
        LiveCall live = UrgentCallers.urgentCallerAt(calls, clock, uid, "+12045550123", CallStep.RINGING);
        long tech = technician(db, clock, "Pat", "+12045550100");

        Acceptance accepted;
        try (Connection frozen = db.holdingTicket(live.ticketId())) {
            // the technician hears silence from the key to the answer: at most the wait, not the lock's end
            accepted = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> calls.accept(live.callId(), uid, tech, WAIT), "the technician was held until the ticket was free");
            assertEquals(null, calls.find(live.callId()).orElseThrow().acceptedBy(),
                    "the acceptance is not written while the ticket is held");
            // the caller talked to Pat; when Dial returns, the caller's script asks who accepted
            assertEquals(Optional.of(tech), calls.acceptedBy(live.callId()), "the caller counts as put through");
            live.call().finish(clock.instant(), CallOutcome.CONNECTED, "talked to Pat");
            calls.save(live);
            frozen.rollback(); // the other transaction lets go of the ticket
        }
        assertEquals(Acceptance.PUT_THROUGH_UNWRITTEN, accepted);
        assertTrue(calls.awaitSaved(Duration.ofSeconds(30)), "everything written once the ticket is free");

        CallRecord call = calls.find(live.callId()).orElseThrow();
        assertEquals(CallOutcome.CONNECTED, call.outcome());
        assertEquals(Long.valueOf(tech), call.acceptedBy(), "the acceptance is written once the ticket is free");
        List<String> kinds = db.transactions().inTransaction(s -> s.tickets().events(live.ticketId())).stream()
                .map(TicketEvent::kind).toList();
        assertTrue(kinds.contains("ACCEPTED") && kinds.indexOf("ACCEPTED") < kinds.indexOf("CALL_ENDED"),
                "the acceptance on the ticket before the call's end: " + kinds);
        assertTrue(opener.opened().isEmpty(), "nobody is paged for a caller who was put through");
    }

    @Test
    void anAcceptanceWrittenInTimeAnswersAsBeforeAndARefusedOneIsNotPutThrough() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T03:00:00Z");
        CallService calls = node(db, clock);
        LiveCall live = UrgentCallers.urgentCallerAt(calls, clock, "1765076400.2", "+12045550124", CallStep.RINGING);
        long pat = technician(db, clock, "Pat", "+12045550100");
        long sam = technician(db, clock, "Sam", "+12045550101");

        assertEquals(Acceptance.WRITTEN, calls.accept(live.callId(), "1765076400.2", pat, Duration.ofSeconds(10)));
        assertEquals(Acceptance.REFUSED, calls.accept(live.callId(), "1765076400.2", sam, Duration.ofSeconds(10)),
                "the call is Pat's");
        assertEquals(Optional.of(pat), calls.acceptedBy(live.callId()), "Sam's refused key is not taken for Pat's");
    }

    @Test
    void aTechnicianWhoHangsUpWhileTheAcceptanceIsWrittenIsTakenBackAndTheCallerIsNotCountedAsPutThrough() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T03:00:00Z");
        CallService calls = node(db, clock);
        String uid = "1765076400.3";
        LiveCall live = UrgentCallers.urgentCallerAt(calls, clock, uid, "+12045550125", CallStep.RINGING);
        long pat = technician(db, clock, "Pat", "+12045550100");

        try (Connection frozen = db.holdingTicket(live.ticketId())) {
            assertEquals(Acceptance.PUT_THROUGH_UNWRITTEN, calls.accept(live.callId(), uid, pat, WAIT));
            calls.acceptWithdrawn(live.callId(), uid, pat, "hung up after pressing 1", WAIT); // Pat hung up in the silence
            assertEquals(Optional.empty(), calls.acceptedBy(live.callId()), "nobody put the caller through");
            frozen.rollback();
        }
        assertTrue(calls.awaitSaved(Duration.ofSeconds(30)));
        assertEquals(null, calls.find(live.callId()).orElseThrow().acceptedBy(), "the acceptance written, then taken back");
        List<String> kinds = db.transactions().inTransaction(s -> s.tickets().events(live.ticketId())).stream()
                .map(TicketEvent::kind).toList();
        assertTrue(kinds.indexOf("ACCEPTED") >= 0 && kinds.indexOf("ACCEPTED") < kinds.indexOf("ACCEPT_WITHDRAWN"), kinds.toString());

        // written in time, then Pat hangs up before the answer reaches the PBX: taken back the same way
        LiveCall again = UrgentCallers.urgentCallerAt(calls, clock, "1765076400.4", "+12045550126", CallStep.RINGING);
        assertEquals(Acceptance.WRITTEN, calls.accept(again.callId(), "1765076400.4", pat, Duration.ofSeconds(10)));
        calls.acceptWithdrawn(again.callId(), "1765076400.4", pat, "hung up after pressing 1", Duration.ofSeconds(10));
        assertEquals(Optional.empty(), calls.acceptedBy(again.callId()));
        assertTrue(calls.awaitSaved(Duration.ofSeconds(10)));
        assertEquals(null, calls.find(again.callId()).orElseThrow().acceptedBy());
    }

    @Test
    void whatThisNodeDecidedForAnEarlierDialOfTheCallIsForgottenWhenItRingsAgain() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T03:00:00Z");
        CallService calls = node(db, clock);
        String uid = "1765076400.5";
        LiveCall live = UrgentCallers.urgentCallerAt(calls, clock, uid, "+12045550127", CallStep.RINGING);
        long pat = technician(db, clock, "Pat", "+12045550100");
        calls.acceptWithdrawn(live.callId(), uid, pat, "hung up", Duration.ofSeconds(10)); // left from an earlier Dial whose caller's script never read it
        calls.ringing(live.callId());
        assertEquals(Acceptance.WRITTEN, calls.accept(live.callId(), uid, pat, Duration.ofSeconds(10)));
        assertEquals(Optional.of(pat), calls.acceptedBy(live.callId()), "this Dial's acceptance, from the database");
    }

}
