package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.calendar.OpeningWindow;
import org.pagerline.service.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "hours", mixinStandardHelpOptions = true, description = "Set and show the desk's business hours.",
        subcommands = {HoursCommand.Set.class, HoursCommand.Show.class})
final class HoursCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Replace the weekly hours, e.g. \"Mon-Fri 08:00-17:00, Sat 10:00-14:00\".")
    static final class Set implements Runnable {
        @ParentCommand
        HoursCommand parent;

        @Parameters(paramLabel = "WEEK", description = "Opening windows, comma-separated.")
        String week;

        @Option(names = "--zone", description = "Desk time zone (default: unchanged).")
        String zone;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            BusinessCalendar c = parent.root.services().calendar().setHours(week, zone);
            parent.root.out().println(json ? Json.write(Show.json(c, parent.root.services().clock().instant()))
                    : "business hours set: " + c.describeHours());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the hours, and whether the desk is open now or at --at.")
    static final class Show implements Runnable {
        @ParentCommand
        HoursCommand parent;

        @Option(names = "--at", description = "ISO-8601 instant (default: now).")
        String at;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        /** The hours and whether the desk is open at {@code when} (hours show --json, hours set --json). */
        static ObjectNode json(BusinessCalendar c, Instant when) {
            boolean open = c.isOpen(when);
            ObjectNode n = Json.object();
            n.put("at", when.toString());
            n.put("open", open);
            n.put("zone", c.zone().getId());
            n.put("hours", c.describeHours());
            ArrayNode ws = n.putArray("windows");
            for (OpeningWindow w : c.windows()) {
                ws.add(Json.object().put("day", w.day().name()).put("open", w.open().toString()).put("close", w.closeText()));
            }
            c.nextOpening(when).filter(x -> !open).ifPresent(x -> n.put("opensAt", x.toString()));
            c.closesAt(when).ifPresent(x -> n.put("closesAt", x.toString()));
            return n;
        }

        @Override
        public void run() {
            Services s = parent.root.services();
            BusinessCalendar c = s.calendar().calendar();
            Instant when = at == null ? s.clock().instant() : Instants.parse("--at", at, c.zone());
            boolean open = c.isOpen(when);
            if (json) {
                parent.root.out().println(Json.write(json(c, when)));
            } else {
                parent.root.out().println(c.describeHours());
                String state = open ? "open" : "closed";
                String next = open ? c.closesAt(when).map(x -> ", closes " + Views.local(x, c.zone()))
                                .orElse(", open around the clock")
                        : c.nextOpening(when).map(x -> ", opens " + Views.local(x, c.zone())).orElse("");
                parent.root.out().println((at == null ? "now" : Views.local(when, c.zone())) + ": " + state + next);
            }
        }
    }
}
