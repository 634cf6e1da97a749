package org.pagerline.core.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;

class EscalatorTest {
    static final Instant T0 = Instant.parse("2026-03-03T03:00:00Z");
    final Escalator escalator = new Escalator(Duration.ofMinutes(30));
    final EscalationPolicy policy = EscalationPolicy.defaultPolicy();

    static Incident open(Priority p) {
        // the 24x7 deadline only: the business-hours ones are in RespondByTest and the paging scenarios
        Instant respondBy = p != null && p.roundTheClock() ? RespondBy.of(p, null, T0) : null;
        return Incident.open(1, p, new Incident.Caller("+1", "Jane", "Acme", "+1", "rec"), T0, T0, Duration.ZERO,
                Duration.ofMinutes(30),
                respondBy, Duration.ofMinutes(15));
    }

    static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void theDefaultLadderFiresAt0_5_10AndRepeatsEvery20WithNoCap() {
        Incident i = open(Priority.P3);
        StringBuilder fired = new StringBuilder();
        for (int m = 0; m <= 65; m++) {
            Escalator.Decision d = escalator.decide(i, policy, at(m));
            for (Escalator.Due due : d.due()) {
                if (due.kind() == Escalator.Kind.STEP) {
                    fired.append(m).append(':').append(Target.describe(due.targets())).append(' ');
                }
            }
            i = d.incident();
        }
        assertEquals("0:PRIMARY,SECONDARY 5:TEAM_LEAD 10:VP_SERVICE 20:PRIMARY,SECONDARY 25:TEAM_LEAD 30:VP_SERVICE "
                + "40:PRIMARY,SECONDARY 45:TEAM_LEAD 50:VP_SERVICE 60:PRIMARY,SECONDARY 65:TEAM_LEAD ", fired.toString());
    }

    @Test
    void aPolicyShrunkPastTheStepAnIncidentWaitsForStartsItsNextCycleRatherThanRepeatingTheNewLastStep() {
        Incident i = open(Priority.P3);
        for (int m = 0; m <= 5; m++) {
            i = escalator.decide(i, policy, at(m)).incident();     // primary and secondary at 0, team lead at 5
        }
        assertEquals(2, i.nextStep(), "waiting for the VP's step at 10");
        EscalationPolicy noVp = EscalationPolicy.of(List.of("0m PRIMARY,SECONDARY", "5m TEAM_LEAD"), "10m");

        Escalator.Decision d = escalator.decide(i, noVp, at(10));

        List<Escalator.Due> steps = d.due().stream().filter(x -> x.kind() == Escalator.Kind.STEP).toList();
        assertEquals(1, steps.size(), steps.toString());
        assertEquals("PRIMARY,SECONDARY", Target.describe(steps.get(0).targets()), "the cycle starts again, not the lead twice");
        assertEquals(0, steps.get(0).step());
        assertEquals(1, steps.get(0).cycle());
        assertEquals(1, d.incident().nextStep());
        assertEquals(1, d.incident().cycle());
    }

    @Test
    void decidingTwiceAtTheSameInstantPagesOnce() {
        Escalator.Decision first = escalator.decide(open(Priority.P3), policy, T0);
        Escalator.Decision again = escalator.decide(first.incident(), policy, T0);
        assertEquals(1, first.due().size());
        assertTrue(again.isEmpty());
        assertEquals(at(5), first.incident().nextEscalationAt());
    }

    @Test
    void stepsMissedDuringAShortOutageAllFireButALongOutageRestartsFromNow() {
        Incident i = escalator.decide(open(Priority.P3), policy, T0).incident();
        Escalator.Decision shortGap = escalator.decide(i, policy, at(12));
        assertEquals(2, shortGap.due().stream().filter(d -> d.kind() == Escalator.Kind.STEP).count());   // lead and VP
        assertEquals(at(20), shortGap.incident().nextEscalationAt());

        Incident quiet = i.edit().callbackDueAt(null).build();
        Escalator.Decision longGap = escalator.decide(quiet, policy, at(300));
        assertEquals(1, longGap.due().size());                          // one step, not a burst of fifteen
        assertEquals(at(305), longGap.incident().nextEscalationAt());
    }

    @Test
    void aPassExactlyOneCycleLatePagesEachStepOnceNotTwice() {
        EscalationPolicy everyMinute = EscalationPolicy.of(List.of("0m PRIMARY"), "1m");
        Incident i = open(Priority.P3);                                 // its first step due at T0, decided first at T0+1m
        Escalator.Decision late = escalator.decide(i, everyMinute, at(1));
        assertEquals(1, late.due().size());
        Escalator.Decision sameInstant = escalator.decide(late.incident(), everyMinute, at(1));   // the engine looks again
        assertTrue(sameInstant.isEmpty(), "paged again at once: " + sameInstant.due());
        assertEquals(at(2), late.incident().nextEscalationAt());
    }

    @Test
    void theCallbackTimerRunsOnAfterAnAckAndReachesOwnerLeadAndVp() {
        Incident acked = open(Priority.P3).edit().state(IncidentState.ACKNOWLEDGED).escalation(1, 0, null)
                .owner(new Incident.Owner(7, "Pat")).acknowledgedAt(at(1)).build();
        Escalator.Decision d = escalator.decide(acked, policy, at(30));
        assertEquals(1, d.due().size());
        Escalator.Due late = d.due().get(0);
        assertEquals(Escalator.Kind.CALLBACK_LATE, late.kind());
        assertEquals(new Target.Technician(7), late.targets().get(0));
        assertTrue(late.targets().containsAll(List.of(Target.role(Role.TEAM_LEAD), Target.role(Role.VP_SERVICE))));
        assertEquals(at(60), d.incident().callbackDueAt());
    }

    @Test
    void p1WarnsTheLeadBeforeTheTwoHourDeadlineThenTellsTheVp() {
        Incident i = open(Priority.P1).edit().callbackDueAt(null).nextEscalationAt(null).build();
        assertEquals(at(105), i.slaCheckAt());
        Escalator.Decision warn = escalator.decide(i, policy, at(105));
        assertEquals(Escalator.Kind.SLA_APPROACHING, warn.due().get(0).kind());
        Escalator.Decision missed = escalator.decide(warn.incident(), policy, at(120));
        assertEquals(Escalator.Kind.SLA_MISSED, missed.due().get(0).kind());
        assertNull(missed.incident().slaCheckAt());
        assertNull(open(Priority.P3).slaCheckAt());   // business-hours levels: not on this clock
    }

    @Test
    void thePolicyTextRoundTripsAndBadSpecsSayWhatIsWrong() {
        EscalationPolicy p = EscalationPolicy.parse("0m PRIMARY,SECONDARY | 5m team-lead | 10m VP_SERVICE,@Ann Lee | repeat 10m");
        assertEquals("0m PRIMARY,SECONDARY | 5m TEAM_LEAD | 10m VP_SERVICE,@Ann Lee | repeat 10m", p.toString());
        assertEquals(p, EscalationPolicy.parse(p.toString()));
        assertEquals(EscalationPolicy.defaultPolicy(), EscalationPolicy.parse(EscalationPolicy.defaultPolicy().toString()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EscalationPolicy.of(List.of("5m TEAM_LEAD", "0m PRIMARY"), "10m"))
                .getMessage().contains("delays must not go down"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EscalationPolicy.of(List.of("0m JANITOR"), "10m"))
                .getMessage().contains("unknown target 'JANITOR'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EscalationPolicy.of(List.of("soon PRIMARY"), "10m"))
                .getMessage().contains("'soon' is not a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EscalationPolicy.of(List.of("0m PRIMARY"), "0m"))
                .getMessage().contains("repeat interval must be positive"));
    }
}
