package org.pagerline.core.incident;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pagerline.core.roster.Role;

/**
 * The escalation policy as data: ordered steps, each paging its targets {@code delay} after the
 * cycle starts; {@code repeat} after the last step the cycle starts again, with no cap, until
 * someone acknowledges.
 *
 * <p>Text form (what {@code pagerline policy set} takes and {@code show} prints):
 * {@code 0m PRIMARY,SECONDARY | 5m TEAM_LEAD | 10m VP_SERVICE | repeat 10m}.
 */
public record EscalationPolicy(List<Step> steps, Duration repeat) {

    /** One rung: page {@code targets} at {@code delay} after the start of the cycle. */
    public record Step(Duration delay, List<Target> targets) {
        public Step {
            if (delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("a step's delay cannot be negative");
            }
            if (targets == null || targets.isEmpty()) {
                throw new IllegalArgumentException("a step needs at least one target");
            }
            targets = List.copyOf(targets);
        }

        @java.lang.Override
        public String toString() {
            return format(delay) + " " + String.join(",", targets.stream().map(Object::toString).toList());
        }
    }

    public EscalationPolicy {
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException("an escalation policy needs at least one step");
        }
        steps = List.copyOf(steps);
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).delay().compareTo(steps.get(i - 1).delay()) < 0) {
                throw new IllegalArgumentException("step " + (i + 1) + " (" + format(steps.get(i).delay())
                        + ") comes before step " + i + " (" + format(steps.get(i - 1).delay()) + "): delays must not go down");
            }
        }
        if (repeat == null || repeat.isNegative() || repeat.isZero()) {
            throw new IllegalArgumentException("the repeat interval must be positive (the cycle repeats until acknowledged)");
        }
        if (steps.get(0).delay().isZero() && repeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the repeat interval must be at least 1s");
        }
    }

    /** Primary and secondary at once, team lead after 5 minutes, VP after 10, then again 10 minutes later. */
    public static EscalationPolicy defaultPolicy() {
        return new EscalationPolicy(List.of(
                new Step(Duration.ZERO, List.of(Target.role(Role.PRIMARY), Target.role(Role.SECONDARY))),
                new Step(Duration.ofMinutes(5), List.of(Target.role(Role.TEAM_LEAD))),
                new Step(Duration.ofMinutes(10), List.of(Target.role(Role.VP_SERVICE)))),
                Duration.ofMinutes(10));
    }

    /** Time from step {@code i} firing until the next step fires (wrapping into the next cycle). */
    public Duration gapAfter(int i) {
        if (i + 1 < steps.size()) {
            return steps.get(i + 1).delay().minus(steps.get(i).delay());
        }
        return repeat.plus(steps.get(0).delay());
    }

    /** One full round: from the first step to the first step of the next cycle. */
    public Duration cycleLength() {
        return steps.get(steps.size() - 1).delay().minus(steps.get(0).delay()).plus(repeat).plus(steps.get(0).delay());
    }

    /** Every role named anywhere in the policy, plus team lead and VP: who a late call-back reaches. */
    public List<Target> everyone() {
        List<Target> all = new ArrayList<>();
        for (Step s : steps) {
            for (Target t : s.targets()) {
                if (!all.contains(t)) {
                    all.add(t);
                }
            }
        }
        for (Role r : List.of(Role.TEAM_LEAD, Role.VP_SERVICE)) {
            if (!all.contains(Target.role(r))) {
                all.add(Target.role(r));
            }
        }
        return all;
    }

    /** Parses the text form; the error names the part that is wrong. */
    public static EscalationPolicy parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty policy");
        }
        List<String> steps = new ArrayList<>();
        String repeat = null;
        for (String part : text.split("\\|")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("repeat")) {
                repeat = p.substring("repeat".length()).trim();
            } else if (!p.isEmpty()) {
                steps.add(p);
            }
        }
        if (repeat == null) {
            throw new IllegalArgumentException("the policy needs a repeat interval (e.g. 'repeat 10m')");
        }
        return of(steps, repeat);
    }

    /** From the CLI's pieces: {@code "5m TEAM_LEAD"} per step, and the repeat interval. */
    public static EscalationPolicy of(List<String> stepSpecs, String repeat) {
        List<Step> steps = new ArrayList<>();
        for (String spec : stepSpecs) {
            String s = spec == null ? "" : spec.trim();
            int sp = s.indexOf(' ');
            if (sp < 0) {
                throw new IllegalArgumentException("step '" + s + "' should be a delay then targets, e.g. '5m TEAM_LEAD'");
            }
            Duration delay = parseDuration(s.substring(0, sp), "step '" + s + "'");
            List<Target> targets = new ArrayList<>();
            for (String t : s.substring(sp + 1).split(",")) {
                targets.add(Target.parse(t));
            }
            steps.add(new Step(delay, targets));
        }
        return new EscalationPolicy(steps, parseDuration(repeat, "repeat"));
    }

    /** 30s, 5m, 2h, or ISO-8601 (PT5M). */
    public static Duration parseDuration(String text, String what) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (s.length() >= 2) {
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                switch (s.charAt(s.length() - 1)) {
                    case 's': return Duration.ofSeconds(n);
                    case 'm': return Duration.ofMinutes(n);
                    case 'h': return Duration.ofHours(n);
                    default: break;
                }
            }
        } catch (RuntimeException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(what + ": '" + text + "' is not a duration (e.g. 30s, 5m, 2h)");
    }

    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** The text form, which {@link #parse} reads back. */
    @java.lang.Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Step s : steps) {
            b.append(s).append(" | ");
        }
        return b.append("repeat ").append(format(repeat)).toString();
    }
}
