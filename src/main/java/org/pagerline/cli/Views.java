package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import org.pagerline.core.text.DeskTime;
import java.util.Locale;
import org.pagerline.core.roster.Override;
import org.pagerline.core.roster.Rotation;
import org.pagerline.core.roster.Technician;

/** How roster objects look as JSON and as text. */
final class Views {

    private Views() {}

    static ObjectNode tech(Technician t) {
        ObjectNode n = Json.object();
        n.put("id", t.id());
        n.put("name", t.name());
        n.put("phone", t.phone());
        n.put("smsPhone", t.smsPhone() == null ? t.phone() : t.smsPhone());
        n.put("email", t.email());
        n.put("zone", t.zone().getId());
        return n;
    }

    static String techLine(Technician t) {
        return String.format("%-4d %-24s %-16s sms %-16s %-28s %s", t.id(), t.name(), t.phone(),
                t.smsPhone() == null ? t.phone() : t.smsPhone(), t.email() == null ? "-" : t.email(), t.zone().getId());
    }

    static ObjectNode rotation(Rotation r) {
        ObjectNode n = Json.object();
        n.put("role", r.role().name());
        n.putPOJO("members", r.memberIds());
        n.put("shift", r.shift().amount() + " " + r.shift().unit().name().toLowerCase(Locale.ROOT));
        n.put("handoff", r.handoff().toString());
        n.put("zone", r.zone().getId());
        n.put("startDate", r.startDate().toString());
        return n;
    }

    static ObjectNode override(Override o) {
        ObjectNode n = Json.object();
        n.put("id", o.id());
        n.put("role", o.role().name());
        n.put("technicianId", o.technicianId());
        n.put("start", o.start().toString());
        n.put("end", o.end().toString());
        return n;
    }

    /** The one time format for people ({@link DeskTime}): {@code Mon 2026-12-07 09:15 CST}. */
    static String local(Instant i, ZoneId zone) {
        return DeskTime.format(i, zone);
    }
}
