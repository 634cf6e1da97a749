package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.pagerline.core.calendar.Holiday;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "holiday", mixinStandardHelpOptions = true, description = "Days the desk is closed all day.",
        subcommands = {HolidayCommand.Add.class, HolidayCommand.ListHolidays.class, HolidayCommand.Remove.class})
final class HolidayCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a holiday: DATE (YYYY-MM-DD) and NAME.")
    static final class Add implements Runnable {
        @ParentCommand
        HolidayCommand parent;

        @Parameters(index = "0", paramLabel = "DATE")
        String date;

        @Parameters(index = "1..*", paramLabel = "NAME", arity = "1..*")
        List<String> name;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            Holiday h = parent.root.services().calendar().addHoliday(date, String.join(" ", name));
            parent.root.out().println(json ? Json.write(Json.object().put("date", h.date().toString()).put("name", h.name()))
                    : "holiday added: " + h.date() + " " + h.name());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List holidays.")
    static final class ListHolidays implements Runnable {
        @ParentCommand
        HolidayCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            List<Holiday> hs = parent.root.services().calendar().holidays();
            if (json) {
                ArrayNode a = Json.array();
                hs.forEach(h -> a.add(Json.object().put("date", h.date().toString()).put("name", h.name())));
                parent.root.out().println(Json.write(a));
            } else if (hs.isEmpty()) {
                parent.root.out().println("no holidays");
            } else {
                hs.forEach(h -> parent.root.out().println(h.date() + "  " + h.date().getDayOfWeek() + "  " + h.name()));
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the holiday on DATE.")
    static final class Remove implements Runnable {
        @ParentCommand
        HolidayCommand parent;

        @Parameters(paramLabel = "DATE")
        String date;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            parent.root.services().calendar().removeHoliday(date);
            parent.root.out().println(json ? Json.write(Json.object().put("removed", "holiday").put("date", date.toString()))
                    : "holiday on " + date + " removed");
        }
    }
}
