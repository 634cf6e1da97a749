package org.pagerline.core.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pagerline.core.roster.Role;

/**
 * Decides what is due for one incident at {@code now}: the next policy step, the late call-back
 * and the service-level warnings. Pure: the caller stores the returned incident (whose due
 * columns have moved on) and the pages, in one transaction, so deciding twice is harmless.
 */
public final class Escalator {
    private final Duration callbackRenag;

    /** @param callbackRenag after a late call-back is told, how long until it is told again */
    public Escalator(Duration callbackRenag) {
        this.callbackRenag = callbackRenag;
    }

    public enum Kind {
        /** A policy step: page its targets, asking for an acknowledgement. */
        STEP,
        /** Nobody called the caller back in time: everyone on the policy, team lead and VP told. */
        CALLBACK_LATE,
        /** The priority's respond-by deadline is near: the team lead is told. */
        SLA_APPROACHING,
        /** The respond-by deadline passed: team lead and VP told. */
        SLA_MISSED
    }

    /** One thing due now. {@code step} and {@code cycle} say which step fired (STEP only). */
    public record Due(Kind kind, List<Target> targets, int step, int cycle) {}

    /** The incident with its due columns moved on, and what to page. */
    public record Decision(Incident incident, List<Due> due) {
        public boolean isEmpty() {
            return due.isEmpty();
        }
    }

    public Decision decide(Incident in, EscalationPolicy policy, Instant now) {
        Incident i = in;
        List<Due> due = new ArrayList<>();
        if (i.state() == IncidentState.OPEN && isDue(i.nextEscalationAt(), now)) {
            // Catch up on every step that fell due (after a pause or a restart), but never more than one
            // cycle's worth: after a long outage the schedule starts again from now instead of a burst.
            // A whole cycle late, to the instant, is such an outage: else the steps of the cycle missed
            // and of the one due now both fired, the second on the engine's next look in the same pass,
            // paging the same people twice at once.
            if (!i.nextEscalationAt().plus(policy.cycleLength()).isAfter(now)) {
                i = i.edit().nextEscalationAt(now).build();
            }
            for (int fired = 0; fired < policy.steps().size() && isDue(i.nextEscalationAt(), now); fired++) {
                int step = i.nextStep();
                int cycle = i.cycle();
                if (step >= policy.steps().size()) {
                    // the policy shrank past the step this incident waited for: its cycle is over, the next begins
                    // (it used to page the new last step a second time)
                    step = 0;
                    cycle++;
                }
                due.add(new Due(Kind.STEP, policy.steps().get(step).targets(), step, cycle));
                int next = step + 1;
                if (next >= policy.steps().size()) {
                    next = 0;
                    cycle++;
                }
                i = i.edit().escalation(next, cycle, i.nextEscalationAt().plus(policy.gapAfter(step))).build();
            }
        } else if (i.state() != IncidentState.OPEN && i.nextEscalationAt() != null) {
            i = i.edit().nextEscalationAt(null).build();
        }
        if (isDue(i.callbackDueAt(), now)) {
            if (i.state().awaitsCallback()) {
                List<Target> who = new ArrayList<>();
                if (i.ownerId() != null) {
                    who.add(new Target.Technician(i.ownerId()));
                }
                who.addAll(policy.everyone());
                due.add(new Due(Kind.CALLBACK_LATE, who, -1, i.cycle()));
                i = i.edit().callbackDueAt(now.plus(callbackRenag)).build();
            } else {
                i = i.edit().callbackDueAt(null).build();
            }
        }
        if (isDue(i.slaCheckAt(), now)) {
            if (!i.state().awaitsCallback()) {
                i = i.edit().sla(null, i.slaStage()).build();
            } else if (i.slaStage() == 0 && now.isBefore(i.respondBy())) {
                due.add(new Due(Kind.SLA_APPROACHING, List.of(Target.role(Role.TEAM_LEAD)), -1, i.cycle()));
                i = i.edit().sla(i.respondBy(), 1).build();
            } else {
                due.add(new Due(Kind.SLA_MISSED, List.of(Target.role(Role.TEAM_LEAD), Target.role(Role.VP_SERVICE)), -1,
                        i.cycle()));
                i = i.edit().sla(null, 2).build();
            }
        }
        return new Decision(i, due);
    }

    private static boolean isDue(Instant at, Instant now) {
        return at != null && !at.isAfter(now);
    }
}
