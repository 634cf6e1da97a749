package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.text.DeskTime;
import org.pagerline.core.ticket.Pause;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Requester;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketEvent;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStore;
import org.pagerline.service.Services;
import org.pagerline.service.TicketService;
import org.pagerline.service.intake.EmailIntake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ticket", mixinStandardHelpOptions = true,
        description = "Tickets: the open queue, one ticket with every clock, and the desk's changes to a ticket's life.",
        subcommands = {TicketCommand.ListTickets.class, TicketCommand.Show.class, TicketCommand.QueueView.class,
            TicketCommand.Open.class, TicketCommand.Take.class, TicketCommand.Note.class, TicketCommand.Contact.class,
            TicketCommand.Wait.class, TicketCommand.Resume.class, TicketCommand.Resolve.class, TicketCommand.Close.class,
            TicketCommand.Reopen.class, TicketCommand.PriorityChange.class})
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
        return String.format("%-5d %-6s %-3s %-24s %-16s %-22s %s", t.id(), t.status(), t.priority() == null ? "-" : t.priority(),
                Views.local(t.updatedAt(), zone), t.callerNumber() == null ? "-" : t.callerNumber(),
                t.company() == null ? "-" : t.company(), t.callerName() == null ? "" : t.callerName());
    }

    static long id(String text) {
        try {
            long n = Long.parseLong(text.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw Cli.invalid("ticket id '" + text + "' is not a ticket number");
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** The whole read model as JSON (ISO-8601 UTC instants, durations in seconds). */
    static ObjectNode json(TicketService.TicketDetail d, List<CallRecord> calls, EmailIntake.Thread thread) {
        ObjectNode o = json(d.ticket());
        o.put("state", d.state().name());
        o.put("ownerId", d.ownerId());
        o.put("owner", d.ownerName());
        o.put("requesterEmail", d.requesterEmail());
        o.put("project", d.project());
        o.put("version", d.version());
        o.put("asOf", d.asOf().toString());
        ArrayNode cs = o.putArray("clocks");
        for (TicketService.ClockView c : d.clocks()) {
            ObjectNode cn = cs.addObject();
            cn.put("clock", c.kind().name());
            cn.put("state", c.state().name());
            cn.put("target", c.target());
            cn.put("startedAt", str(c.startedAt()));
            cn.put("dueAt", str(c.dueAt()));
            cn.put("warnAt", str(c.warnAt()));
            if (c.remaining() == null) {
                cn.putNull("remainingSeconds");
            } else {
                cn.put("remainingSeconds", c.remaining().toSeconds());
            }
            cn.put("metAt", str(c.metAt()));
            cn.put("warnedAt", str(c.warnedAt()));
            cn.put("breachedAt", str(c.breachedAt()));
            cn.put("stoppedAt", str(c.stoppedAt()));
            ArrayNode h = cn.putArray("history");
            for (TicketEvent e : c.history()) {
                h.addObject().put("at", e.at().toString()).put("kind", e.kind()).put("detail", e.detail());
            }
        }
        ArrayNode ps = o.putArray("pauses");
        for (Pause p : d.pauses()) {
            ps.addObject().put("from", str(p.from())).put("until", str(p.until())).put("reason", p.reason());
        }
        ArrayNode pc = o.putArray("priorityChanges");
        for (TicketStore.PriorityChangeRecord r : d.priorityChanges()) {
            pc.addObject().put("at", r.at().toString()).put("from", str(r.from())).put("to", str(r.to())).put("by", r.by())
                    .put("why", r.why());
        }
        ArrayNode callsJson = o.putArray("calls");
        for (CallRecord c : calls) {
            ObjectNode cn = callsJson.addObject();
            cn.put("id", c.id());
            cn.put("asteriskUniqueId", c.asteriskUniqueId());
            cn.put("callerId", c.callerId());
            cn.put("startedAt", c.startedAt().toString());
            cn.put("endedAt", str(c.endedAt()));
            cn.put("lastStep", c.lastStep() == null ? null : c.lastStep().wireName());
            cn.put("outcome", c.outcome() == null ? null : c.outcome().name());
            cn.put("acceptedBy", c.acceptedBy());
            cn.put("answeredBy", c.answeredBy());
            cn.put("abandonedPosition", c.abandonedPosition());
            cn.put("waitedSeconds", c.waitedSeconds());
            cn.put("recording", c.recording());
        }
        if (thread != null && thread.mailTicket() != null) {
            o.put("ackDue", thread.mailTicket().ackDue().toString());
        }
        ArrayNode ms = o.putArray("emails");
        ArrayNode as = o.putArray("attachments");
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
            for (String[] a : thread.attachments()) {
                ObjectNode an = as.addObject();
                an.put("name", a[0]);
                an.put("size", Long.parseLong(a[1]));
                an.put("storedAt", a[2]);
                an.put("refused", a[3]);
            }
        }
        ArrayNode es = o.putArray("events");
        for (TicketEvent e : d.timeline()) {
            es.addObject().put("at", e.at().toString()).put("kind", e.kind()).put("detail", e.detail());
        }
        return o;
    }

    /** One line for people after a change: state, owner, the next deadline. */
    static String summary(TicketService.TicketDetail d) {
        ZoneId z = d.zone();
        TicketService.ClockView next = null;
        for (TicketService.ClockView c : d.clocks()) {
            if (c.dueAt() != null && c.metAt() == null && c.stoppedAt() == null && (next == null || c.dueAt().isBefore(next.dueAt()))) {
                next = c;
            }
        }
        Ticket t = d.ticket();
        return "ticket " + t.id() + ": " + d.state().words() + (t.priority() == null ? "" : ", " + t.priority())
                + (d.project() ? ", desktop project request" : "")
                + ", owner " + (d.ownerName() == null ? "nobody" : d.ownerName())
                + (next == null ? "" : "; next due " + DeskTime.format(next.dueAt(), z) + " (" + next.kind().words() + ")");
    }

    static void print(TicketService.TicketDetail d, List<CallRecord> calls, EmailIntake.Thread thread, PrintWriter out) {
        ZoneId zone = d.zone();
        Ticket t = d.ticket();
        out.println("ticket " + t.id() + "  " + d.state() + "  " + (d.project() ? "desktop project request"
                : t.priority() == null ? "no priority" : t.priority() + " " + t.priority().meaning())
                + "  (" + t.source().name().toLowerCase() + ")");
        out.println("  requester " + nz(t.callerName()) + (t.company() == null ? "" : ", " + t.company()) + "  "
                + nz(t.callerNumber()) + (d.requesterEmail() == null ? "" : "  " + d.requesterEmail()));
        out.println("  call back " + nz(t.callbackNumber()));
        out.println("  owner     " + (d.ownerName() == null ? "nobody yet" : d.ownerName()));
        out.println("  opened    " + DeskTime.format(t.openedAt(), zone) + ", updated " + DeskTime.format(t.updatedAt(), zone));
        if (t.summary() != null) {
            out.println("  summary   " + t.summary().replace('\n', ' '));
        }
        out.println("  clocks (as of " + DeskTime.format(d.asOf(), zone) + "):");
        if (d.clocks().isEmpty()) {
            out.println("    none yet (the respond and resolve clocks start once the ticket has a priority)");
        }
        for (TicketService.ClockView c : d.clocks()) {
            StringBuilder b = new StringBuilder(String.format("    %-8s %-9s due %-24s", c.kind().words(), c.state().words(),
                    c.dueAt() == null ? "- (paused)" : DeskTime.format(c.dueAt(), zone)));
            if (c.remaining() != null) {
                b.append(c.remaining().isNegative() ? "  overdue by " + DeskTime.duration(c.remaining().negated())
                        : "  " + DeskTime.duration(c.remaining()) + " left");
            }
            if (c.metAt() != null) {
                b.append("  met ").append(DeskTime.format(c.metAt(), zone));
            }
            if (c.warnedAt() != null) {
                b.append("  warned ").append(DeskTime.format(c.warnedAt(), zone));
            }
            if (c.breachedAt() != null) {
                b.append("  breach told ").append(DeskTime.format(c.breachedAt(), zone));
            }
            if (c.stoppedAt() != null) {
                b.append("  stopped ").append(DeskTime.format(c.stoppedAt(), zone));
            }
            out.println(b);
            out.println("             " + c.target() + "; started " + DeskTime.format(c.startedAt(), zone)
                    + (c.warnAt() == null || c.warnedAt() != null || c.metAt() != null ? "" : "; warns "
                    + DeskTime.format(c.warnAt(), zone)));
            for (TicketEvent e : c.history()) {
                out.println("             " + DeskTime.format(e.at(), zone) + "  " + e.detail());
            }
        }
        if (!d.pauses().isEmpty()) {
            out.println("  pauses of the resolve clock:");
            for (Pause p : d.pauses()) {
                out.println("    " + DeskTime.format(p.from(), zone) + " to " + (p.until() == null ? "now" : DeskTime.format(p.until(), zone))
                        + "  " + p.reason());
            }
        }
        if (!d.priorityChanges().isEmpty()) {
            out.println("  priority changes:");
            for (TicketStore.PriorityChangeRecord r : d.priorityChanges()) {
                out.println("    " + DeskTime.format(r.at(), zone) + "  " + (r.from() == null ? "-" : r.from()) + " -> " + r.to()
                        + " by " + r.by() + (r.why() == null ? "" : ": " + r.why()));
            }
        }
        for (CallRecord c : calls) {
            out.println("  call " + c.id() + " (Asterisk " + c.asteriskUniqueId() + "): "
                    + (c.outcome() == null ? "in progress at " + (c.lastStep() == null ? "?" : c.lastStep().wireName())
                    : c.outcome().name().toLowerCase() + " at " + (c.lastStep() == null ? "?" : c.lastStep().wireName()))
                    + (c.recording() == null ? "" : ", message " + c.recording()));
        }
        if (thread != null && thread.mailTicket() != null) {
            out.println("  email     " + thread.mailTicket().requester() + ", acknowledge by "
                    + DeskTime.format(thread.mailTicket().ackDue(), zone));
        }
        if (thread != null && !thread.messages().isEmpty()) {
            out.println("  email thread:");
            for (var m : thread.messages()) {
                out.println(String.format("    %s  %s %s  %s%s%s", DeskTime.format(m.at(), zone), m.incoming() ? "from" : "to  ",
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
        for (TicketEvent e : d.timeline()) {
            out.println(String.format("    %s  %-18s %s", DeskTime.format(e.at(), zone), e.kind(), e.detail()));
        }
    }

    private static String nz(String s) {
        return s == null ? "-" : s;
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

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One ticket: owner, every clock with its deadline, state and history, its calls and its timeline.")
    static final class Show implements Runnable {
        @ParentCommand
        TicketCommand parent;

        @Parameters(paramLabel = "ID", description = "Ticket id.")
        String id;

        @Option(names = "--json", description = "Print JSON: the ticket with clocks[], pauses[], priorityChanges[], calls[] and events[].")
        boolean json;

        @Override
        public void run() {
            long n = id(id);
            Services s = parent.root.services();
            TicketService.TicketDetail d = s.tickets().detail(n);
            List<CallRecord> calls = s.calls() == null ? List.of() : s.calls().callsOf(n);
            EmailIntake.Thread thread = s.mail() == null ? null : s.mail().thread(n);
            if (json) {
                parent.root.out().println(Json.write(json(d, calls, thread)));
            } else {
                print(d, calls, thread, parent.root.out());
            }
        }
    }

    @Command(name = "queue", mixinStandardHelpOptions = true,
            description = "Open tickets (not resolved or closed) in the order received: age, priority, state, owner, next deadline and its clock.")
    static final class QueueView implements Runnable {
        @ParentCommand
        TicketCommand parent;

        @Option(names = "--limit", defaultValue = "200", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            if (limit < 1 || limit > 100_000) {
                throw Cli.invalid("--limit must be between 1 and 100000, got " + limit);
            }
            TicketService.Queue q = parent.root.services().tickets().queue(limit);
            PrintWriter out = parent.root.out();
            if (json) {
                ArrayNode a = Json.array();
                for (TicketService.QueueRow r : q.rows()) {
                    ObjectNode n = a.addObject();
                    n.put("id", r.id());
                    n.put("openedAt", r.openedAt().toString());
                    n.put("ageSeconds", r.age().toSeconds());
                    n.put("priority", str(r.priority()));
                    n.put("state", r.state().name());
                    n.put("owner", r.ownerName());
                    n.put("nextDue", str(r.nextDue()));
                    n.put("nextClock", str(r.nextClock()));
                    n.put("nextClockState", str(r.nextClockState()));
                    n.put("who", r.who());
                }
                out.println(Json.write(a));
                return;
            }
            if (q.rows().isEmpty()) {
                out.println("no open tickets");
                return;
            }
            out.println(String.format("%-6s %-11s %-4s %-20s %-16s %-25s %-8s %s", "ID", "AGE", "PRI", "STATE", "OWNER",
                    "NEXT DUE", "CLOCK", "WHO"));
            for (TicketService.QueueRow r : q.rows()) {
                String due = r.nextDue() == null ? "-" : DeskTime.format(r.nextDue(), q.zone());
                String clock = r.nextClock() == null ? "-" : r.nextClock().words()
                        + (r.nextDue() != null && !r.nextDue().isAfter(q.asOf()) ? " LATE" : "");
                out.println(String.format("%-6d %-11s %-4s %-20s %-16s %-25s %-8s %s", r.id(), DeskTime.duration(r.age()),
                        r.priority() == null ? "-" : r.priority(), r.state().words(), r.ownerName() == null ? "-" : r.ownerName(),
                        due, clock, r.who()));
            }
        }
    }

    /** A change to one ticket: prints the outcome in one line, or the whole ticket as JSON. */
    abstract static class Change implements Runnable {
        @ParentCommand
        TicketCommand parent;

        @Parameters(index = "0", paramLabel = "ID", description = "Ticket id.")
        String id;

        @Option(names = "--json", description = "Print the ticket after the change as JSON (as ticket show --json).")
        boolean json;

        abstract TicketService.TicketDetail apply(TicketService tickets, long id);

        @Override
        public void run() {
            long n = TicketCommand.id(id);
            Services s = parent.root.services();
            TicketService.TicketDetail d = apply(s.tickets(), n);
            if (json) {
                List<CallRecord> calls = s.calls() == null ? List.of() : s.calls().callsOf(n);
                parent.root.out().println(Json.write(TicketCommand.json(d, calls, null)));
            } else {
                parent.root.out().println(summary(d));
            }
        }
    }

    @Command(name = "open", mixinStandardHelpOptions = true, description = "Open a ticket by hand (source CLI).")
    static final class Open implements Runnable {
        @ParentCommand
        TicketCommand parent;

        @Option(names = "--name", description = "Requester's full name.")
        String name;

        @Option(names = "--company", description = "Requester's company.")
        String company;

        @Option(names = "--phone", description = "Call-back number, E.164 (+12045550199).")
        String phone;

        @Option(names = "--email", description = "Requester's email.")
        String email;

        @Option(names = "--priority", description = "P1 to P5.")
        String priority;

        @Option(names = "--project", description = "A desktop project request (no priority): done within one business day.")
        boolean project;

        @Option(names = "--description", required = true, description = "What the problem is.")
        String description;

        @Option(names = "--json", description = "Print the new ticket as JSON.")
        boolean json;

        @Override
        public void run() {
            Priority p = priority == null ? null : Priority.parse(priority);
            TicketService.TicketDetail d = parent.root.services().tickets().open(TicketSource.CLI,
                    new Requester(name, company, phone, email), p, project, description);
            parent.root.out().println(json ? Json.write(TicketCommand.json(d, List.of(), null)) : summary(d));
        }
    }

    /** A change made by someone: --by, a technician, default admin (every change but take, which names its --tech). */
    abstract static class By extends Change {
        @Option(names = "--by", description = "Technician (id or name); default admin.")
        String by;
    }

    /** A change by someone with a reason for the timeline (--why). */
    abstract static class ByWhy extends By {
        @Option(names = "--why", description = "Why (for the timeline; for wait: what the customer was asked for).")
        String why;
    }

    @Command(name = "take", mixinStandardHelpOptions = true, description = "A technician takes the ticket (owner); a new ticket is acknowledged.")
    static final class Take extends Change {
        @Option(names = "--tech", required = true, description = "Who takes it (id or name).")
        String tech;

        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.take(n, tech);
        }
    }

    @Command(name = "note", mixinStandardHelpOptions = true, description = "Add an internal note to the timeline.")
    static final class Note extends By {
        @Parameters(index = "1..*", paramLabel = "TEXT", description = "The note.")
        List<String> words;

        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.note(n, by, words == null ? null : String.join(" ", words));
        }
    }

    @Command(name = "contact", mixinStandardHelpOptions = true,
            description = "Record that the customer was contacted (called back, answered): contact and respond are met.")
    static final class Contact extends By {
        @Option(names = "--how", description = "How, e.g. 'called back, rebooted the router'.")
        String how;

        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.contacted(n, by, how);
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true,
            description = "Wait on the customer: the resolve clock pauses (its business time is given back).")
    static final class Wait extends ByWhy {
        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.waitOnCustomer(n, by, why);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Back in progress after waiting: the resolve clock runs again.")
    static final class Resume extends ByWhy {
        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.resume(n, by, why);
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Resolved: the resolve clock is met; the ticket closes after ticket.auto-close-after of quiet.")
    static final class Resolve extends By {
        @Option(names = "--summary", description = "What fixed it.")
        String summary;

        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.resolve(n, by, summary);
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true, description = "Close the ticket; unmet clocks stop.")
    static final class Close extends ByWhy {
        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.close(n, by, why);
        }
    }

    @Command(name = "reopen", mixinStandardHelpOptions = true,
            description = "Reopen a resolved or closed ticket: in progress, the resolve clock counts again.")
    static final class Reopen extends ByWhy {
        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.reopen(n, by, why);
        }
    }

    @Command(name = "priority", mixinStandardHelpOptions = true,
            description = "Change the priority (who and why are kept); respond and resolve are worked out again from the ticket's history.")
    static final class PriorityChange extends By {
        @Parameters(index = "1", paramLabel = "PRIORITY", description = "P1 to P5.")
        String priority;

        @Option(names = "--why", required = true, description = "Why it changes.")
        String why;

        @Override
        TicketService.TicketDetail apply(TicketService t, long n) {
            return t.changePriority(n, Priority.parse(priority), by, why);
        }
    }

}
