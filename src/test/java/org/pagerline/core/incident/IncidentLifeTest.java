package org.pagerline.core.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentLife.AsOf;
import org.pagerline.core.incident.IncidentLife.Effect;
import org.pagerline.core.incident.IncidentLife.Result;
import org.pagerline.core.ticket.Priority;

/** The incident's transitions, as pure functions: the new incident and what follows. */
class IncidentLifeTest {
    static final Instant T0 = Instant.parse("2026-03-03T03:00:00Z");
    static final IncidentLife.Actor PAT = new IncidentLife.Actor(1, "Pat");
    static final IncidentLife.Actor SAM = new IncidentLife.Actor(2, "Sam");
    final Escalator escalator = new Escalator(Duration.ofMinutes(30));
    final EscalationPolicy policy = EscalationPolicy.defaultPolicy();

    /** Opened at T0, step 1 (primary, secondary) fired: the team lead is next, at 5 min. */
    Incident pagedAtStepOne() {
        Incident i = Incident.open(7, Priority.P3, new Incident.Caller("+1", "Jane", "Acme", "+1", "rec"), T0, T0,
                Duration.ZERO, Duration.ofMinutes(30), null, Duration.ofMinutes(15)).edit().id(12).build();
        return escalator.decide(i, policy, T0).incident();
    }

    @Test
    void aPassOnFromTheLatestStepMovesTheNextStepToNow() {
        var o = IncidentLife.passOn(pagedAtStepOne(), new AsOf(0, 0), 3, PAT, "key 5", T0.plusSeconds(60));
        assertEquals(Result.DONE, o.result());
        assertEquals(T0.plusSeconds(60), o.incident().nextEscalationAt());
    }

    @Test
    void aPassOnFromAPageOfAnEarlierStepIsAlreadyDone() {
        Instant at = T0.plusSeconds(60);
        Incident passed = IncidentLife.passOn(pagedAtStepOne(), new AsOf(0, 0), 3, PAT, "key 5", at).incident();
        Incident teamLeadPaged = escalator.decide(passed, policy, at).incident();   // step 2 fired
        var late = IncidentLife.passOn(teamLeadPaged, new AsOf(0, 0), 3, SAM, "key 5", at.plusSeconds(30));
        assertEquals(Result.STALE, late.result());
        assertSame(teamLeadPaged, late.incident());
        assertEquals("Sam's pass-it-on by key 5 changed nothing: the incident is passed on to the next step",
                ((Effect.Timeline) late.effects().get(0)).text());
        // and a second 5 before the engine has even fired the step: already on its way
        assertEquals(Result.STALE, IncidentLife.passOn(passed, new AsOf(0, 0), 3, SAM, "SMS", at).result());
    }

    @Test
    void theStepThatFiredLastWrapsIntoThePreviousCycle() {
        Incident i = pagedAtStepOne().edit().escalation(0, 1, T0.plusSeconds(600)).build();
        assertEquals(new AsOf(2, 0), IncidentLife.lastFired(i, 3));
        assertEquals(Result.DONE, IncidentLife.passOn(i, new AsOf(2, 0), 3, PAT, "SMS", T0).result());
        assertEquals(Result.STALE, IncidentLife.passOn(i, new AsOf(0, 0), 3, PAT, "SMS", T0).result());
    }

    @Test
    void acknowledgingStopsThePagingTellsTheOthersAndARepeatIsAlreadyYours() {
        var o = IncidentLife.acknowledge(pagedAtStepOne(), PAT, "SMS", T0.plusSeconds(30));
        assertEquals(IncidentState.ACKNOWLEDGED, o.incident().state());
        assertNull(o.incident().nextEscalationAt());
        assertEquals("Pat", o.incident().ownerName());
        assertTrue(o.effects().contains(new Effect.CancelPending(false)));
        assertTrue(o.effects().contains(new Effect.TellWhoTook(PAT)));
        assertEquals(Result.ALREADY_YOURS, IncidentLife.acknowledge(o.incident(), PAT, "SMS", T0).result());
        assertEquals(Result.STALE, IncidentLife.acknowledge(o.incident(), SAM, "SMS", T0).result());
        assertEquals("incident 12 is already acknowledged by Pat; nothing changed", IncidentLife.already(o.incident()));
    }

    @Test
    void aCallBackStopsEveryTimerAndResolvingClosesTheTicket() {
        var cb = IncidentLife.calledBack(pagedAtStepOne(), SAM, "SMS", T0.plusSeconds(90));
        assertEquals(IncidentState.CALLED_BACK, cb.incident().state());
        assertNull(cb.incident().nextDue());
        assertEquals("Sam", cb.incident().ownerName());
        assertTrue(cb.effects().contains(new Effect.TellWhoTook(SAM)), "taken while still open: the others are told");
        var r = IncidentLife.resolve(cb.incident(), T0.plusSeconds(120));
        assertTrue(r.effects().contains(new Effect.CloseTicket()));
        assertEquals(Result.STALE, IncidentLife.resolve(r.incident(), T0).result());
    }

    @Test
    void aSecondVoicemailTakesTheHigherPriorityAndTheNewestMessage() {
        Instant respondBy = T0.plus(Duration.ofHours(2));
        var o = IncidentLife.voicemailAgain(pagedAtStepOne(), new IncidentLife.Voicemail(Priority.P1, "+2", "rec2",
                respondBy), Duration.ofMinutes(15), T0.plusSeconds(60));
        assertEquals(Priority.P1, o.incident().priority());
        assertEquals("rec2", o.incident().recording());
        assertEquals("+2", o.incident().callbackNumber());
        assertEquals(respondBy.minus(Duration.ofMinutes(15)), o.incident().slaCheckAt());
        var resolved = IncidentLife.resolve(pagedAtStepOne(), T0).incident();
        assertEquals(Result.STALE, IncidentLife.voicemailAgain(resolved, new IncidentLife.Voicemail(null, null, null, null),
                Duration.ofMinutes(15), T0).result());
    }
}
