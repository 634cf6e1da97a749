package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import java.util.List;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.service.Services;
import org.pagerline.service.TicketService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ticket", mixinStandardHelpOptions = true, description = "List tickets and show one with its timeline.",
        subcommands = {TicketCommand.ListTickets.class, TicketCommand.Show.class})
final class TicketCommand {
    @ParentCommand
    PagerlineCommand root;

    static ObjectNode json(Ticket t) {
        ObjectNode n = Json.object();
        n.put("id", t.id());
        n.put("status", t.status().name());
        n.put("source", t.source().name());
        n.put("priority", t.priority() == null ? null : t.priority().name());
        n.put("openedAt", t.openedAt().toString());
        n.put("updatedAt", t.updatedAt().toString());
        n.put("callerNumber", t.callerNumber());
        n.put("callerName", t.callerName());
        n.put("company", t.company());
        n.put("callbackNumber", t.callbackNumber());
        n.put("summary", t.summary());
        return n;
    }

    static String line(Ticket t, ZoneId zone) {
        return String.format("%-5d %-6s %-3s %-22s %-16s %-22s %s", t.id(), t.status(), t.priority() == null ? "-" : t.priority(),
                Views.local(t.updatedAt(), zone), t.callerNumber() == null ? "-" : t.callerNumber(),
                t.company() == null ? "-" : t.company(), t.callerName() == null ? "" : t.callerName());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Newest tickets first.")
    static final class ListTickets implements Runnable {
        @ParentCommand
        TicketCommand parent;

        @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            if (limit < 1 || limit > 10_000) {
                throw Cli.invalid("--limit must be between 1 and 10000, got " + limit);
            }
            Services s = parent.root.services();
            List<Ticket> all = s.tickets().list(limit);
            if (json) {
                ArrayNode a = Json.array();
                all.forEach(t -> a.add(json(t)));
                parent.root.out().println(Json.write(a));
            } else if (all.isEmpty()) {
                parent.root.out().println("no tickets yet");
            } else {
                ZoneId zone = s.calendar().calendar().zone();
                all.forEach(t -> parent.root.out().println(line(t, zone)));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One ticket, its calls and its timeline.")
    static final class Show implements Runnable {
        @ParentCommand
        TicketCommand parent;

        @Parameters(paramLabel = "ID", description = "Ticket id.")
        String id;

        @Option(names = "--json", description = "Print JSON: the ticket with calls[] and events[].")
        boolean json;

        @Override
        public void run() {
            long n;
            try {
                n = Long.parseLong(id.trim());
            } catch (NumberFormatException e) {
                throw Cli.invalid("ticket id '" + id + "' is not a number");
            }
            Services s = parent.root.services();
            TicketService.TicketView v = s.tickets().show(n);
            List<CallRecord> calls = s.calls().callsOf(n);
            if (json) {
                ObjectNode o = json(v.ticket());
                ArrayNode cs = o.putArray("calls");
                for (CallRecord c : calls) {
                    ObjectNode cn = cs.addObject();
                    cn.put("id", c.id());
                    cn.put("asteriskUniqueId", c.asteriskUniqueId());
                    cn.put("callerId", c.callerId());
                    cn.put("startedAt", c.startedAt().toString());
                    cn.put("endedAt", c.endedAt() == null ? null : c.endedAt().toString());
                    cn.put("lastStep", c.lastStep() == null ? null : c.lastStep().wireName());
                    cn.put("outcome", c.outcome() == null ? null : c.outcome().name());
                    cn.put("acceptedBy", c.acceptedBy());
                    cn.put("answeredBy", c.answeredBy());
                    cn.put("abandonedPosition", c.abandonedPosition());
                    cn.put("waitedSeconds", c.waitedSeconds());
                    cn.put("recording", c.recording());
                }
                var thread = s.mail() == null ? null : s.mail().thread(n);
                if (thread != null && thread.mailTicket() != null) {
                    o.put("requesterEmail", thread.mailTicket().requester());
                    o.put("ackDue", thread.mailTicket().ackDue().toString());
                }
                ArrayNode ms = o.putArray("emails");
                if (thread != null) {
                    for (var m : thread.messages()) {
                        ObjectNode mn = ms.addObject();
                        mn.put("at", m.at().toString());
                        mn.put("direction", m.incoming() ? "in" : "out");
                        mn.put("messageId", m.messageId());
                        mn.put("from", m.from());
                        mn.put("to", m.to());
                        mn.put("subject", m.subject());
                        mn.put("body", m.body());
                        mn.put("outcome", m.outcome());
                        mn.put("flags", m.flags());
                        mn.put("sendState", m.sendState());
                    }
                    ArrayNode as = o.putArray("attachments");
                    for (String[] a : thread.attachments()) {
                        ObjectNode an = as.addObject();
                        an.put("name", a[0]);
                        an.put("size", Long.parseLong(a[1]));
                        an.put("storedAt", a[2]);
                        an.put("refused", a[3]);
                    }
                }
                ArrayNode es = o.putArray("events");
                for (TicketEvent e : v.events()) {
                    ObjectNode en = es.addObject();
                    en.put("at", e.at().toString());
                    en.put("kind", e.kind());
                    en.put("detail", e.detail());
                }
                parent.root.out().println(Json.write(o));
                return;
            }
            ZoneId zone = s.calendar().calendar().zone();
            Ticket t = v.ticket();
            var out = parent.root.out();
            out.println("ticket " + t.id() + "  " + t.status() + "  " + (t.priority() == null ? "no priority" : t.priority() + " " + t.priority().meaning()));
            out.println("  caller    " + nz(t.callerNumber()) + "  " + nz(t.callerName()) + (t.company() == null ? "" : ", " + t.company()));
            out.println("  call back " + nz(t.callbackNumber()));
            out.println("  opened    " + Views.local(t.openedAt(), zone) + ", updated " + Views.local(t.updatedAt(), zone));
            for (CallRecord c : calls) {
                out.println("  call " + c.id() + " (Asterisk " + c.asteriskUniqueId() + "): "
                        + (c.outcome() == null ? "in progress at " + (c.lastStep() == null ? "?" : c.lastStep().wireName())
                        : c.outcome().name().toLowerCase() + " at " + (c.lastStep() == null ? "?" : c.lastStep().wireName()))
                        + (c.recording() == null ? "" : ", message " + c.recording()));
            }
            var thread = s.mail() == null ? null : s.mail().thread(n);
            if (thread != null && thread.mailTicket() != null) {
                out.println("  email     " + thread.mailTicket().requester() + ", acknowledge by "
                        + Views.local(thread.mailTicket().ackDue(), zone));
            }
            if (thread != null && !thread.messages().isEmpty()) {
                out.println("  email thread:");
                for (var m : thread.messages()) {
                    out.println(String.format("    %s  %s %s  %s%s%s", Views.local(m.at(), zone), m.incoming() ? "from" : "to  ",
                            m.incoming() ? nz(m.from()) : nz(m.to()), nz(m.subject()),
                            m.incoming() ? "" : " (" + (m.sendState() == null ? "?" : m.sendState().toLowerCase()) + ")",
                            m.flags() == null ? "" : " [" + m.flags() + "]"));
                    String body = m.body() == null ? "" : m.body().strip();
                    for (String line : (body.length() > 600 ? body.substring(0, 600) + " ..." : body).split("\\r?\\n")) {
                        out.println("        | " + line);
                    }
                }
                for (String[] a : thread.attachments()) {
                    out.println("    attachment " + a[0] + " (" + a[1] + " bytes) " + (a[3] != null ? "REFUSED: " + a[3] : a[2]));
                }
            }
            out.println("  timeline:");
            for (TicketEvent e : v.events()) {
                out.println(String.format("    %s  %-18s %s", Views.local(e.at(), zone), e.kind(), e.detail()));
            }
        }

        private static String nz(String s) {
            return s == null ? "-" : s;
        }
    }
}
