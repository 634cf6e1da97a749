package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.PageLogStore;
import org.pagerline.core.incident.EscalationPolicy;
import org.pagerline.service.PageLog;
import org.pagerline.service.SendResult;
import org.pagerline.service.Services;
import org.pagerline.service.ValidationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "page", mixinStandardHelpOptions = true,
        description = "List the pages sent, and send a test page to check a provider.",
        subcommands = {PageCommand.ListPages.class, PageCommand.Test.class})
final class PageCommand {
    @ParentCommand
    PagerlineCommand root;

    PageLog log() {
        PageLog l = root.services().pageLog();
        if (l == null) {
            throw new IllegalStateException("the page log is not wired");
        }
        return l;
    }

    static ObjectNode json(PageLogStore.Entry p) {
        ObjectNode n = Json.object();
        n.put("id", p.id());
        n.put("test", p.test());
        if (p.incidentId() == null) {
            n.putNull("incident");
        } else {
            n.put("incident", p.incidentId());
        }
        n.put("at", p.at().toString());
        n.put("to", p.technicianName());
        n.put("number", p.to());
        n.put("channel", p.channel().name());
        n.put("kind", p.kind().name());
        n.put("state", p.state().name());
        n.put("attempts", p.attempts());
        n.put("provider", p.provider());
        n.put("providerId", p.providerId());
        n.put("detail", p.detail());
        return n;
    }

    /** "Mon 2026-11-23 21:00 CST  incident 12  SMS    PAGE    Pat  +12045550101  DELIVERED". */
    static String line(PageLogStore.Entry p, ZoneId zone) {
        String what = p.test() ? "test " + p.id() + " (" + p.provider() + ")" : "incident " + p.incidentId();
        return String.format(Locale.ROOT, "%s  %-22s %-5s %-6s to %-16s %-16s %-9s%s", Views.local(p.at(), zone), what,
                p.channel(), p.test() ? "TEST" : p.kind(), p.technicianName(), p.to(), p.state(),
                p.detail() == null ? "" : "  " + p.detail());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Pages newest first: when (desk time), to whom, channel, state, incident (or test).")
    static final class ListPages implements Runnable {
        @ParentCommand
        PageCommand parent;

        @Option(names = "--incident", paramLabel = "N", description = "Only this incident's pages.")
        Long incident;

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Only pages since WHEN: an ISO-8601 instant, a desk-time date or date-time, or a time ago (30m, 2h, 1d).")
        String since;

        @Option(names = "--limit", defaultValue = "100", description = "How many at most (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            Services s = parent.root.services();
            ZoneId zone = s.calendar().calendar().zone();
            Instant from = since == null ? null : since(since, s.clock().instant(), zone);
            List<PageLogStore.Entry> all = parent.log().list(incident, from, limit);
            PrintWriter out = parent.root.out();
            if (json) {
                ArrayNode a = Json.array();
                all.forEach(p -> a.add(json(p)));
                out.println(Json.write(a));
            } else if (all.isEmpty()) {
                out.println("no pages" + (incident == null ? "" : " for incident " + incident)
                        + (from == null ? "" : " since " + Views.local(from, zone)));
            } else {
                all.forEach(p -> out.println(line(p, zone)));
            }
        }

        static Instant since(String text, Instant now, ZoneId zone) {
            String t = text.trim();
            if (t.matches("\\d+[smhdw]")) {
                Duration ago = t.endsWith("d") ? Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)))
                        : t.endsWith("w") ? Duration.ofDays(7 * Long.parseLong(t.substring(0, t.length() - 1)))
                        : EscalationPolicy.parseDuration(t, "--since");
                return now.minus(ago);
            }
            return Instants.parse("--since", text, zone);
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Send a test page to a technician now through the configured provider (Twilio, Asterisk or "
                    + "the log), part of no incident, and say what the provider answered. Needs the server running.")
    static final class Test implements Runnable {
        @ParentCommand
        PageCommand parent;

        @Parameters(paramLabel = "TECH", description = "Id or name.")
        String ref;

        @Option(names = "--channel", required = true, paramLabel = "sms|voice", description = "sms (a text) or voice (a call).")
        String channel;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            Channel c = switch (channel.trim().toLowerCase(Locale.ROOT)) {
                case "sms" -> Channel.SMS;
                case "voice" -> Channel.VOICE;
                default -> throw new ValidationException("--channel '" + channel + "' is not sms or voice");
            };
            PageLog.TestResult r = parent.log().sendTest(ref, c);
            PageLogStore.Entry p = r.page();
            boolean accepted = r.result().status() == SendResult.Status.ACCEPTED;
            String what = (c == Channel.SMS ? "test SMS" : "test call") + " " + p.id() + " to " + p.technicianName()
                    + " (" + p.to() + ") through " + p.provider();
            if (json) {
                ObjectNode n = json(p);
                n.put("result", r.result().status().name());
                parent.root.out().println(Json.write(n));
            } else if (accepted) {
                parent.root.out().println(what + ": accepted" + (p.providerId() == null ? "" : " as " + p.providerId())
                        + "; its delivery shows in 'pagerline page list'");
            }
            if (!accepted) {
                throw new TestPageFailed(what + ": not sent: " + p.detail());
            }
        }
    }

    /** The provider did not take the test page: exit 1 (a fault of the provider, not of the input). */
    static final class TestPageFailed extends RuntimeException {
        TestPageFailed(String message) {
            super(message, null, false, false);
        }
    }
}
