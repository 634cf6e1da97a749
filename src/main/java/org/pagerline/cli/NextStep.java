package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.incident.EscalationPolicy;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.incident.Target;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.service.Services;

/**
 * What {@code incident show} says comes next: when the next policy step pages, which role (or named
 * technician), and who that is now; or "none" and why, once nobody is paged any more.
 *
 * @param none why nothing is next ("acknowledged by Pat ..."), or null when a step is due
 * @param at when the step pages
 * @param stepNumber the step's number in the policy, from 1; {@code cycle} from 1
 * @param step the policy step as text ("5m TEAM_LEAD")
 * @param who per target: what it is ("TEAM_LEAD", "@Alice") and who that is now (null: unfilled)
 */
record NextStep(String none, Instant at, int stepNumber, int cycle, String step, List<Who> who) {

    record Who(String target, Technician now) {}

    static NextStep of(Incident i, Services s) {
        if (i.state() != IncidentState.OPEN || i.nextEscalationAt() == null) {
            return new NextStep(switch (i.state()) {
                case OPEN -> "the policy has no step left";
                case ACKNOWLEDGED -> "acknowledged" + by(i);
                case CALLED_BACK -> "called back" + by(i);
                case RESOLVED -> "resolved";
            }, null, 0, 0, null, List.of());
        }
        EscalationPolicy policy = s.incidents().policy();
        if (i.nextStep() < 0 || i.nextStep() >= policy.steps().size()) {
            return new NextStep("the policy changed; the engine starts the cycle again at " + i.nextEscalationAt(),
                    null, 0, 0, null, List.of());
        }
        EscalationPolicy.Step step = policy.steps().get(i.nextStep());
        Map<Role, Optional<OnCallShift>> onCall = s.roster().onCall(s.clock().instant());
        List<Who> who = new ArrayList<>();
        for (Target t : step.targets()) {
            Technician now;
            if (t instanceof Target.OnCall oc) {
                now = onCall.getOrDefault(oc.role(), Optional.empty()).map(OnCallShift::technician).orElse(null);
            } else if (t instanceof Target.Named n) {
                now = find(s, n.name());
            } else {
                now = find(s, Long.toString(((Target.Technician) t).id()));
            }
            who.add(new Who(t.toString(), now));
        }
        return new NextStep(null, i.nextEscalationAt(), i.nextStep() + 1, i.cycle() + 1, step.toString(), who);
    }

    private static String by(Incident i) {
        return i.ownerName() == null ? "" : " by " + i.ownerName();
    }

    private static Technician find(Services s, String ref) {
        try {
            return s.roster().technician(ref);
        } catch (RuntimeException e) {
            return null; // a named technician since removed: nobody to page
        }
    }

    /** "next step: 2 (5m TEAM_LEAD), cycle 1, at Mon 2026-11-23 21:05 CST: TEAM_LEAD is Lee (+12045550103) now". */
    String text(ZoneId zone) {
        if (none != null) {
            return "next step: none: " + none;
        }
        List<String> parts = new ArrayList<>();
        for (Who w : who) {
            parts.add(w.now() == null ? w.target() + " is unfilled now (nobody would be paged)"
                    : w.target() + " is " + w.now().name() + " (" + w.now().phone() + ") now");
        }
        return "next step: " + stepNumber + " (" + step + "), cycle " + cycle + ", at " + Views.local(at, zone) + ": "
                + String.join("; ", parts);
    }

    ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("none", none);
        n.put("at", at == null ? null : at.toString());
        if (none == null) {
            n.put("step", stepNumber);
            n.put("cycle", cycle);
            n.put("policyStep", step);
        }
        ArrayNode a = n.putArray("who");
        for (Who w : who) {
            ObjectNode o = a.addObject();
            o.put("target", w.target());
            o.put("technician", w.now() == null ? null : w.now().name());
            o.put("phone", w.now() == null ? null : w.now().phone());
        }
        return n;
    }
}
