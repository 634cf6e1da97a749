package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import org.pagerline.core.queue.QueueMember;
import org.pagerline.core.queue.WaitingCaller;
import org.pagerline.service.QueueService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Sign technicians in and out of the help-desk queue, and show the live queue.",
        subcommands = {QueueCommand.SignIn.class, QueueCommand.SignOut.class, QueueCommand.Show.class})
final class QueueCommand {
    @ParentCommand
    PagerlineCommand root;

    /** A sign-in or sign-out as JSON: the technician, whether they are signed in now, whether this changed it. */
    static String signJson(QueueService.SignChange c, boolean signedIn) {
        return Json.write(Json.object().put("signedIn", signedIn).put("changed", c.changed())
                .set("technician", Views.tech(c.technician())));
    }

    @Command(name = "signin", mixinStandardHelpOptions = true,
            description = "Sign a technician in: they answer queue calls whenever the desk is open.")
    static final class SignIn implements Runnable {
        @ParentCommand
        QueueCommand parent;

        @Parameters(paramLabel = "TECH", description = "Id or name.")
        String ref;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            QueueService.SignChange c = parent.root.services().queue().signIn(ref);
            parent.root.out().println(json ? signJson(c, true) : c.changed() ? "signed in: " + c.technician().name()
                    : c.technician().name() + " was already signed in");
        }
    }

    @Command(name = "signout", mixinStandardHelpOptions = true,
            description = "Sign a technician out: they stop getting queue calls.")
    static final class SignOut implements Runnable {
        @ParentCommand
        QueueCommand parent;

        @Parameters(paramLabel = "TECH", description = "Id or name.")
        String ref;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            QueueService.SignChange c = parent.root.services().queue().signOut(ref);
            parent.root.out().println(json ? signJson(c, false) : c.changed() ? "signed out: " + c.technician().name()
                    : c.technician().name() + " was not signed in");
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The live queue: callers waiting (position, since), members and their state, who is signed in.")
    static final class Show implements Runnable {
        @ParentCommand
        QueueCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            QueueService.QueueView v = parent.root.services().queue().view();
            PrintWriter out = parent.root.out();
            if (json) {
                out.println(Json.write(toJson(v)));
                return;
            }
            out.println("desk: " + (v.deskOpen() ? "open" : "closed") + "   AMI: " + (!v.amiEnabled()
                    ? "disabled (ami.enabled=false: pagerline does not manage the queue)"
                    : v.link().map(l -> l.state() + " since " + l.since()).orElse("never connected")));
            out.println("callers waiting: " + v.callers().size());
            for (WaitingCaller c : v.callers()) {
                out.printf("  %2d  %-16s %-24s waiting %s (since %s)%n", c.position(), orDash(c.callerNumber()),
                        orDash(c.callerName()), wait(c.since(), v.at()), c.since());
            }
            out.println("members: " + v.members().size());
            for (QueueMember m : v.members()) {
                out.printf("  %-24s %-12s%s %s%n", m.technicianName() == null ? "(not pagerline's)" : m.technicianName(),
                        m.state(), m.paused() ? " paused" : "", m.memberInterface());
            }
            out.println("signed in: " + v.signedIn().size());
            for (QueueService.SignedIn s : v.signedIn()) {
                out.printf("  %-24s since %s%n", s.technician().name(), s.since());
            }
        }

        private static ObjectNode toJson(QueueService.QueueView v) {
            ObjectNode n = Json.object();
            n.put("at", v.at().toString());
            n.put("deskOpen", v.deskOpen());
            ObjectNode link = n.putObject("ami");
            link.put("enabled", v.amiEnabled());
            link.put("state", !v.amiEnabled() ? "disabled" : v.link().map(l -> l.state()).orElse("never-connected"));
            link.put("since", !v.amiEnabled() ? null : v.link().map(l -> l.since().toString()).orElse(null));
            ArrayNode callers = n.putArray("callers");
            for (WaitingCaller c : v.callers()) {
                ObjectNode o = callers.addObject();
                o.put("position", c.position());
                o.put("uniqueId", c.uniqueId());
                o.put("queue", c.queue());
                o.put("callerNumber", c.callerNumber());
                o.put("callerName", c.callerName());
                o.put("since", c.since().toString());
                o.put("waitSeconds", Duration.between(c.since(), v.at()).toSeconds());
            }
            ArrayNode members = n.putArray("members");
            for (QueueMember m : v.members()) {
                ObjectNode o = members.addObject();
                o.put("technician", m.technicianName());
                o.put("interface", m.memberInterface());
                o.put("state", m.state());
                o.put("paused", m.paused());
                o.put("since", m.since().toString());
            }
            ArrayNode in = n.putArray("signedIn");
            for (QueueService.SignedIn s : v.signedIn()) {
                ObjectNode o = in.addObject();
                o.put("technician", s.technician().name());
                o.put("id", s.technician().id());
                o.put("since", s.since().toString());
            }
            return n;
        }

        private static String orDash(String s) {
            return s == null || s.isBlank() ? "-" : s;
        }

        private static String wait(Instant since, Instant now) {
            long s = Math.max(0, Duration.between(since, now).toSeconds());
            return s / 60 + "m" + String.format("%02d", s % 60) + "s";
        }
    }
}
