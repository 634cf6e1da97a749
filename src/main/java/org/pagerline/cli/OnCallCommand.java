package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.service.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "oncall", mixinStandardHelpOptions = true,
        description = "Who is on call for each role, now or at --at, and until when.")
final class OnCallCommand implements Runnable {
    @ParentCommand
    PagerlineCommand root;

    @Option(names = "--at", description = "ISO-8601 instant, e.g. 2026-11-23T03:00:00-06:00 (default: now).")
    String at;

    @Option(names = "--json", description = "Print JSON: {at, roles: {ROLE: null | {id, name, phone, until, override}}}.")
    boolean json;

    @Override
    public void run() {
        Services s = root.services();
        ZoneId desk = s.calendar().calendar().zone();
        Instant when = at == null ? s.clock().instant() : Instants.parse("--at", at, desk);
        Map<Role, Optional<OnCallShift>> roles = s.roster().onCall(when);
        if (json) {
            ObjectNode n = Json.object();
            n.put("at", when.toString());
            ObjectNode rs = n.putObject("roles");
            roles.forEach((role, shift) -> {
                if (shift.isEmpty()) {
                    rs.putNull(role.name());
                } else {
                    OnCallShift sh = shift.get();
                    ObjectNode t = Views.tech(sh.technician());
                    if (sh.until() == null) {
                        t.putNull("until");
                    } else {
                        t.put("until", sh.until().toString());
                    }
                    t.put("override", sh.fromOverride());
                    rs.set(role.name(), t);
                }
            });
            root.out().println(Json.write(n));
            return;
        }
        root.out().println("on call at " + Views.local(when, desk) + ":");
        roles.forEach((role, shift) -> root.out().println(String.format("  %-10s %s", role, shift
                .map(sh -> sh.technician().name() + " (" + sh.technician().phone() + ")"
                        + (sh.until() == null ? "" : " until " + Views.local(sh.until(), desk))
                        + (sh.fromOverride() ? " [override]" : ""))
                .orElse("UNFILLED: nobody is on call for this role"))));
    }
}
