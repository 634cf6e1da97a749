package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.page.Page;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.IncidentService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "incident", mixinStandardHelpOptions = true,
        description = "List and show incidents (urgent voicemails being paged); acknowledge, record a call-back, resolve.",
        subcommands = {IncidentCommand.ListIncidents.class, IncidentCommand.Show.class, IncidentCommand.Ack.class,
            IncidentCommand.Callback.class, IncidentCommand.Resolve.class})
final class IncidentCommand {
    @ParentCommand
    PagerlineCommand root;

    IncidentService incidents() {
        return root.services().incidents();
    }

    /** An acknowledgement, call-back or resolution as JSON: whether it changed anything, its answer, the incident after it. */
    String answerJson(long id, IncidentService.Response r) {
        ObjectNode n = Json.object().put("changed", r.changed()).put("message", r.message());
        n.set("incident", json(incidents().show(id).incident()));
        return Json.write(n);
    }

    PrintWriter out() {
        return root.out();
    }

    static ObjectNode json(Incident i) {
        ObjectNode n = Json.object();
        n.put("id", i.id());
        n.put("ticket", i.ticketId());
        n.put("state", i.state().name());
        n.put("priority", i.priority() == null ? null : i.priority().name());
        n.put("caller", i.who());
        n.put("callbackNumber", i.callbackNumber());
        n.put("recording", i.recording());
        n.put("openedAt", str(i.openedAt()));
        n.put("owner", i.ownerName());
        n.put("acknowledgedAt", str(i.acknowledgedAt()));
        n.put("calledBackAt", str(i.calledBackAt()));
        n.put("resolvedAt", str(i.resolvedAt()));
        n.put("nextEscalationAt", str(i.nextEscalationAt()));
        n.put("callbackDueAt", str(i.callbackDueAt()));
        n.put("respondBy", str(i.respondBy()));
        n.put("nextStep", i.nextStep() + 1);
        n.put("cycle", i.cycle() + 1);
        return n;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    static String line(Incident i) {
        return String.format("%-5d ticket %-5d %-12s %-3s %-32s %s", i.id(), i.ticketId(), i.state(),
                i.priority() == null ? "-" : i.priority().name(), i.who(),
                i.ownerName() != null ? "owner " + i.ownerName()
                        : i.nextEscalationAt() != null ? "next step " + i.nextEscalationAt() : "");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Newest incidents first.")
    static final class ListIncidents implements Runnable {
        @ParentCommand
        IncidentCommand parent;

        @Option(names = "--open", description = "Only those still awaiting a call-back.")
        boolean open;

        @Option(names = "--limit", defaultValue = "50", description = "How many (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            List<Incident> all = parent.incidents().list(limit, open);
            if (json) {
                ArrayNode a = Json.array();
                all.forEach(i -> a.add(json(i)));
                parent.out().println(Json.write(a));
            } else if (all.isEmpty()) {
                parent.out().println("no incidents");
            } else {
                all.forEach(i -> parent.out().println(line(i)));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One incident, its pages and its timeline.")
    static final class Show implements Runnable {
        @ParentCommand
        IncidentCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            IncidentService.IncidentView v = parent.incidents().show(id);
            PrintWriter out = parent.out();
            NextStep next = NextStep.of(v.incident(), parent.root.services());
            if (json) {
                ObjectNode n = json(v.incident());
                n.set("next", next.json());
                ArrayNode pages = n.putArray("pages");
                for (Page p : v.pages()) {
                    ObjectNode pn = pages.addObject();
                    pn.put("id", p.id());
                    pn.put("to", p.technicianName());
                    pn.put("number", p.to());
                    pn.put("channel", p.channel().name());
                    pn.put("kind", p.kind().name());
                    pn.put("state", p.state().name());
                    pn.put("attempts", p.attempts());
                    pn.put("createdAt", str(p.createdAt()));
                    pn.put("sentAt", str(p.sentAt()));
                    pn.put("lastError", p.lastError());
                }
                ArrayNode events = n.putArray("timeline");
                for (TicketEvent e : v.timeline()) {
                    events.addObject().put("at", e.at().toString()).put("kind", e.kind()).put("detail", e.detail());
                }
                out.println(Json.write(n));
                return;
            }
            Incident i = v.incident();
            out.println(line(i));
            out.println("  " + next.text(parent.root.services().calendar().calendar().zone()));
            out.println("  call back " + (i.callbackNumber() == null ? "-" : i.callbackNumber()) + " by " + i.callbackDueAt()
                    + (i.respondBy() == null ? "" : "; respond by " + i.respondBy()));
            out.println("  " + (i.recording() == null ? "no message" : "message " + i.recording()));
            out.println("pages:");
            for (Page p : v.pages()) {
                out.println(String.format("  %-5d %-5s %-6s to %-16s %-16s %-9s attempts %d%s", p.id(), p.channel(), p.kind(),
                        p.technicianName(), p.to(), p.state(), p.attempts(), p.lastError() == null ? "" : "  " + p.lastError()));
            }
            out.println("timeline:");
            for (TicketEvent e : v.timeline()) {
                out.println("  " + e.at() + "  " + e.kind() + "  " + e.detail());
            }
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge for a technician: paging stops.")
    static final class Ack implements Runnable {
        @ParentCommand
        IncidentCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--tech", required = true, description = "Who takes it (id or name).")
        String tech;

        @Option(names = "--json", description = "Print the incident after it as JSON (as incident show --json), with the answer.")
        boolean json;

        @Override
        public void run() {
            IncidentService.Response r = parent.incidents().acknowledge(id, tech);
            parent.out().println(json ? parent.answerJson(id, r) : r.message());
        }
    }

    @Command(name = "callback", mixinStandardHelpOptions = true,
            description = "Record that a technician called the caller back: every timer stops.")
    static final class Callback implements Runnable {
        @ParentCommand
        IncidentCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--tech", required = true, description = "Who called back (id or name).")
        String tech;

        @Option(names = "--json", description = "Print the incident after it as JSON (as incident show --json), with the answer.")
        boolean json;

        @Override
        public void run() {
            IncidentService.Response r = parent.incidents().calledBack(id, tech);
            parent.out().println(json ? parent.answerJson(id, r) : r.message());
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Resolve: nothing more is paged; the ticket closes.")
    static final class Resolve implements Runnable {
        @ParentCommand
        IncidentCommand parent;

        @Parameters(paramLabel = "ID")
        long id;

        @Option(names = "--json", description = "Print the incident after it as JSON (as incident show --json), with the answer.")
        boolean json;

        @Override
        public void run() {
            IncidentService.Response r = parent.incidents().resolve(id);
            parent.out().println(json ? parent.answerJson(id, r) : r.message());
        }
    }
}
