package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Rotation;
import org.pagerline.core.roster.Technician;
import org.pagerline.service.RosterService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "rotation", mixinStandardHelpOptions = true, description = "Set and show each role's rotation.",
        subcommands = {RotationCommand.Set.class, RotationCommand.Show.class, RotationCommand.Remove.class})
final class RotationCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set ROLE's rotation: members take turns, one shift each, handing off at a local time. Settings"
                    + " not given are kept from the rotation it replaces (a new one: weekly, 08:00 America/Winnipeg, from today).")
    static final class Set implements Runnable {
        @ParentCommand
        RotationCommand parent;

        @Parameters(paramLabel = "ROLE", description = "PRIMARY, SECONDARY, TEAM_LEAD or VP_SERVICE.")
        String role;

        @Option(names = "--members", required = true, split = ",", description = "Technicians in order (ids or names), comma-separated.")
        List<String> members;

        @Option(names = "--shift", description = "Shift length: 12h, 1d, 1w ... (default: the current rotation's, else 1w).")
        String shift;

        @Option(names = "--handoff", description = "Hand-off time of day, local (default: the current rotation's, else 08:00).")
        String handoff;

        @Option(names = "--zone", description = "Zone of the hand-off time (default: the current rotation's, else America/Winnipeg).")
        String zone;

        @Option(names = "--start", description = "First shift's date, YYYY-MM-DD (default: the current rotation's, else today"
                + " in the zone).")
        String start;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            Role r = Role.parse(role);
            Rotation rot = parent.root.services().roster()
                    .setRotation(new RosterService.RotationSpec(r, members, shift, handoff, zone, start));
            if (json) {
                ObjectNode n = Views.rotation(rot);
                parent.root.services().roster().onCall(parent.root.services().clock().instant()).get(r)
                        .ifPresentOrElse(sh -> n.put("onCallNow", sh.technician().name()).put("until", sh.until().toString()),
                                () -> n.putNull("onCallNow"));
                parent.root.out().println(Json.write(n));
                return;
            }
            parent.root.out().println("rotation for " + r + " set: " + rot.memberIds().size() + " member(s), "
                    + rot.shift().amount() + " " + rot.shift().unit().name().toLowerCase() + " shifts, hand-off "
                    + rot.handoff() + " " + rot.zone() + " from " + rot.startDate() + "; on call now: " + parent.root.services()
                    .roster().onCall(parent.root.services().clock().instant()).get(r)
                    .map(sh -> sh.technician().name() + " until " + Instants.local(sh.until(), rot.zone()))
                    .orElse("nobody"));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the rotations (or one role's).")
    static final class Show implements Runnable {
        @ParentCommand
        RotationCommand parent;

        @Parameters(paramLabel = "ROLE", arity = "0..1", description = "One role (default: all).")
        String role;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            Role only = role == null ? null : Role.parse(role);
            RosterService roster = parent.root.services().roster();
            Map<Role, Rotation> all = roster.rotations();
            Map<Long, String> names = new java.util.HashMap<>();
            for (Technician t : roster.technicians()) {
                names.put(t.id(), t.name());
            }
            ArrayNode arr = Json.array();
            for (Role r : Role.values()) {
                if (only != null && r != only) {
                    continue;
                }
                Rotation rot = all.get(r);
                if (json) {
                    if (rot != null) {
                        ObjectNode n = Views.rotation(rot);
                        ArrayNode mn = n.putArray("memberNames");
                        rot.memberIds().forEach(id -> mn.add(names.getOrDefault(id, "#" + id)));
                        arr.add(n);
                    } else if (only != null) {
                        arr.add(Json.object().put("role", r.name()).putNull("members"));
                    }
                } else if (rot == null) {
                    parent.root.out().println(r + ": no rotation (unfilled)");
                } else {
                    List<String> ms = rot.memberIds().stream().map(id -> names.getOrDefault(id, "#" + id)).toList();
                    parent.root.out().println(r + ": " + String.join(", ", ms) + "; " + rot.shift().amount() + " "
                            + rot.shift().unit().name().toLowerCase() + " shifts, hand-off " + rot.handoff() + " "
                            + rot.zone() + ", from " + rot.startDate());
                }
            }
            if (json) {
                parent.root.out().println(Json.write(only != null && arr.size() == 1 ? arr.get(0) : arr));
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove ROLE's rotation (refused while the escalation policy pages ROLE); its overrides are kept.")
    static final class Remove implements Runnable {
        @ParentCommand
        RotationCommand parent;

        @Parameters(paramLabel = "ROLE", description = "PRIMARY, SECONDARY, TEAM_LEAD or VP_SERVICE.")
        String role;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            RosterService.RotationRemoved r = parent.root.services().roster().removeRotation(Role.parse(role));
            if (json) {
                ObjectNode n = Json.object().put("removed", "rotation").put("role", r.role().name());
                ArrayNode kept = n.putArray("overridesKept");
                r.overridesKept().forEach(o -> kept.add(Views.override(o)));
                parent.root.out().println(Json.write(n));
                return;
            }
            String kept = r.overridesKept().isEmpty() ? "it has no current or future overrides, so " + r.role()
                    + " is now unfilled"
                    : r.overridesKept().size() + " current or future override(s) of " + r.role() + " kept ("
                            + String.join(", ", r.overridesKept().stream().map(o -> "#" + o.id() + " " + o.start() + " to "
                                    + o.end()).toList()) + "): " + r.role() + " is filled during them, unfilled otherwise";
            parent.root.out().println("rotation for " + r.role() + " removed; " + kept
                    + "; the escalation policy does not page " + r.role());
        }
    }
}
