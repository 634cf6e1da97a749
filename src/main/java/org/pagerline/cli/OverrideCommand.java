package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.pagerline.core.roster.Override;
import org.pagerline.core.roster.Role;
import org.pagerline.service.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "override", mixinStandardHelpOptions = true,
        description = "Put one technician in a role for a time range, ahead of the rotation.",
        subcommands = {OverrideCommand.Add.class, OverrideCommand.ListOverrides.class, OverrideCommand.Remove.class})
final class OverrideCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an override; refused if it overlaps another for the same role.")
    static final class Add implements Runnable {
        @ParentCommand
        OverrideCommand parent;

        @Parameters(paramLabel = "ROLE", description = "PRIMARY, SECONDARY, TEAM_LEAD or VP_SERVICE.")
        String role;

        @Option(names = "--tech", required = true, description = "Technician (id or name).")
        String tech;

        @Option(names = "--from", required = true, description = "Start, ISO-8601 (2026-11-23T17:00:00-06:00, or local desk time).")
        String from;

        @Option(names = "--until", required = true, description = "End, ISO-8601.")
        String until;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @java.lang.Override
        public void run() {
            Services s = parent.root.services();
            Role r = Role.parse(role);
            ZoneId desk = s.calendar().calendar().zone();
            Instant start = Instants.parse("--from", from, desk);
            Instant end = Instants.parse("--until", until, desk);
            Override o = s.roster().addOverride(r, tech, start, end);
            parent.root.out().println(json ? Json.write(Views.override(o))
                    : "override " + o.id() + " added: " + r + " from " + Instants.local(o.start(), desk) + " until "
                            + Instants.local(o.end(), desk));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List overrides (current and future; --all for past ones too).")
    static final class ListOverrides implements Runnable {
        @ParentCommand
        OverrideCommand parent;

        @Option(names = "--all", description = "Include overrides that have ended.")
        boolean all;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @java.lang.Override
        public void run() {
            Services s = parent.root.services();
            Instant now = s.clock().instant();
            List<Override> list = s.roster().overrides().stream().filter(o -> all || o.end().isAfter(now)).toList();
            if (json) {
                ArrayNode a = Json.array();
                list.forEach(o -> a.add(Views.override(o)));
                parent.root.out().println(Json.write(a));
                return;
            }
            if (list.isEmpty()) {
                parent.root.out().println("no overrides");
            }
            ZoneId desk = s.calendar().calendar().zone();
            for (Override o : list) {
                String name = s.roster().technician(Long.toString(o.technicianId())).name();
                parent.root.out().println(o.id() + "  " + o.role() + "  " + name + "  " + Views.local(o.start(), desk)
                        + " -> " + Views.local(o.end(), desk));
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an override by id.")
    static final class Remove implements Runnable {
        @ParentCommand
        OverrideCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @java.lang.Override
        public void run() {
            parent.root.services().roster().removeOverride(id);
            parent.root.out().println(json ? Json.write(Json.object().put("removed", "override").put("id", id))
                    : "override " + id + " removed");
        }
    }

}
