package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.pagerline.core.roster.Technician;
import org.pagerline.service.RosterService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "tech", mixinStandardHelpOptions = true, description = "Add, change, list, show and remove technicians.",
        subcommands = {TechCommand.Add.class, TechCommand.Set.class, TechCommand.ListTechs.class, TechCommand.Show.class,
            TechCommand.Remove.class})
final class TechCommand {
    @ParentCommand
    PagerlineCommand root;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a technician.")
    static final class Add implements Runnable {
        @ParentCommand
        TechCommand parent;

        @Option(names = "--name", required = true, description = "Full name (unique).")
        String name;

        @Option(names = "--phone", required = true, description = "Voice number, E.164 (+12045550123).")
        String phone;

        @Option(names = "--sms", description = "SMS number, E.164 (default: the voice number).")
        String sms;

        @Option(names = "--email", description = "Email address.")
        String email;

        @Option(names = "--zone", defaultValue = "America/Winnipeg", description = "Time zone (default: ${DEFAULT-VALUE}).")
        String zone;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            Technician t = parent.root.services().roster()
                    .addTechnician(new RosterService.NewTechnician(name, phone, sms, email, zone));
            parent.root.out().println(json ? Json.write(Views.tech(t)) : "added technician " + t.id() + ": " + t.name());
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a technician's phone, SMS number, email or zone (checked as tech add checks them).")
    static final class Set implements Runnable {
        @ParentCommand
        TechCommand parent;

        @Parameters(paramLabel = "TECH", description = "Id or name.")
        String ref;

        @Option(names = "--phone", description = "New voice number, E.164 (+12045550123).")
        String phone;

        @Option(names = "--sms", description = "New SMS number, E.164; \"\" to text the voice number.")
        String sms;

        @Option(names = "--email", description = "New email address; \"\" to clear it.")
        String email;

        @Option(names = "--zone", description = "New time zone (e.g. America/Toronto).")
        String zone;

        @Option(names = "--json", description = "Print the technician as JSON.")
        boolean json;

        @Override
        public void run() {
            RosterService.TechnicianChanged c = parent.root.services().roster()
                    .updateTechnician(ref, new RosterService.TechnicianChange(phone, sms, email, zone));
            if (json) {
                parent.root.out().println(Json.write(Views.tech(c.after())));
                return;
            }
            Technician b = c.before();
            Technician a = c.after();
            List<String> changes = new java.util.ArrayList<>();
            change(changes, "phone", b.phone(), a.phone());
            change(changes, "SMS", b.textPhone(), a.textPhone());
            change(changes, "email", b.email(), a.email());
            change(changes, "zone", b.zone().getId(), a.zone().getId());
            parent.root.out().println("technician " + a.id() + " (" + a.name() + "): "
                    + (changes.isEmpty() ? "unchanged" : String.join(", ", changes)));
        }

        private static void change(List<String> out, String what, String before, String after) {
            if (!java.util.Objects.equals(before, after)) {
                out.add(what + " " + (before == null ? "-" : before) + " -> " + (after == null ? "-" : after));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List technicians.")
    static final class ListTechs implements Runnable {
        @ParentCommand
        TechCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            List<Technician> all = parent.root.services().roster().technicians();
            if (json) {
                ArrayNode a = Json.array();
                all.forEach(t -> a.add(Views.tech(t)));
                parent.root.out().println(Json.write(a));
            } else if (all.isEmpty()) {
                parent.root.out().println("no technicians yet (add one with: pagerline tech add --name ... --phone ...)");
            } else {
                all.forEach(t -> parent.root.out().println(Views.techLine(t)));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one technician.")
    static final class Show implements Runnable {
        @ParentCommand
        TechCommand parent;

        @Parameters(paramLabel = "TECH", description = "Id or name.")
        String ref;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            Technician t = parent.root.services().roster().technician(ref);
            parent.root.out().println(json ? Json.write(Views.tech(t)) : Views.techLine(t));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a technician who is in no rotation and holds no current or future override.")
    static final class Remove implements Runnable {
        @ParentCommand
        TechCommand parent;

        @Parameters(paramLabel = "TECH", description = "Id or name.")
        String ref;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            Technician t = parent.root.services().roster().removeTechnician(ref);
            parent.root.out().println(json ? Json.write(Json.object().put("removed", "technician").set("technician", Views.tech(t)))
                    : "removed technician " + t.id() + ": " + t.name());
        }
    }
}
