package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.pagerline.core.incident.EscalationPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Show or set the escalation policy.",
        subcommands = {PolicyCommand.Show.class, PolicyCommand.Set.class})
final class PolicyCommand {
    @ParentCommand
    PagerlineCommand root;

    static void print(PolicyCommand parent, EscalationPolicy p, boolean json) {
        if (json) {
            ObjectNode n = Json.object();
            ArrayNode steps = n.putArray("steps");
            for (EscalationPolicy.Step s : p.steps()) {
                ObjectNode sn = steps.addObject();
                sn.put("delay", EscalationPolicy.format(s.delay()));
                ArrayNode t = sn.putArray("targets");
                s.targets().forEach(x -> t.add(x.toString()));
            }
            n.put("repeat", EscalationPolicy.format(p.repeat()));
            n.put("spec", p.toString());
            parent.root.out().println(Json.write(n));
            return;
        }
        int i = 1;
        for (EscalationPolicy.Step s : p.steps()) {
            parent.root.out().println("step " + i++ + ": after " + EscalationPolicy.format(s.delay()) + " page "
                    + String.join(", ", s.targets().stream().map(Object::toString).toList()));
        }
        parent.root.out().println("then again " + EscalationPolicy.format(p.repeat())
                + " after the last step, until someone acknowledges");
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The policy in force.")
    static final class Show implements Runnable {
        @ParentCommand
        PolicyCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            print(parent, parent.root.services().incidents().policy(), json);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Replace the policy, e.g. --step \"0m PRIMARY,SECONDARY\" --step \"5m TEAM_LEAD\" "
                    + "--step \"10m VP_SERVICE\" --repeat 10m. Targets: roles or @Technician Name.")
    static final class Set implements Runnable {
        @ParentCommand
        PolicyCommand parent;

        @Option(names = "--step", required = true, paramLabel = "\"DELAY TARGET,...\"",
                description = "A step: its delay from the start of the cycle, then whom to page.")
        List<String> steps;

        @Option(names = "--repeat", required = true, paramLabel = "DURATION",
                description = "After the last step, start the cycle again this much later.")
        String repeat;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            EscalationPolicy p = parent.root.services().incidents().setPolicy(steps, repeat);
            if (!json) {
                parent.root.out().println("escalation policy set:");
            }
            print(parent, p, json);
        }
    }
}
