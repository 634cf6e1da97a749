package org.pagerline.adapter.http.web;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.pagerline.core.roster.Role;
import org.pagerline.service.RosterService;
import org.pagerline.service.Services;
import org.pagerline.service.ValidationException;

/**
 * The admin pages' changes: each calls the same service method as its command-line twin
 * ({@code tech add|set|remove}, {@code rotation set}, {@code override add|remove}, {@code hours set},
 * {@code holiday add|remove}, {@code policy set}), so the rules are the command line's, checked
 * in one place. Returns what was done, in a sentence.
 */
final class AdminActions {
    private final Services services;
    private final Clock clock;

    AdminActions(Services services, Clock clock) {
        this.services = services;
        this.clock = clock;
    }

    String apply(String what, Function<String, String> form) {
        return switch (what) {
            case "technicians" -> {
                var t = services.roster().addTechnician(new RosterService.NewTechnician(form.apply("name"),
                        form.apply("phone"), blank(form.apply("sms")), blank(form.apply("email")),
                        blank(form.apply("zone")) == null ? "America/Winnipeg" : form.apply("zone")));
                yield "technician " + t.id() + " added: " + t.name();
            }
            case "technicians-edit" -> {
                // the form shows every field filled in: an empty SMS number or email clears it, as with tech set
                var c = services.roster().updateTechnician(nz(form.apply("id")).trim(), new RosterService.TechnicianChange(
                        blank(form.apply("phone")), nz(form.apply("sms")).trim(), nz(form.apply("email")).trim(),
                        blank(form.apply("zone"))));
                var a = c.after();
                yield "technician " + a.id() + " (" + a.name() + ") now: phone " + a.phone() + ", SMS " + a.textPhone()
                        + ", email " + (a.email() == null ? "-" : a.email()) + ", zone " + a.zone().getId();
            }
            case "technicians-remove" -> {
                var t = services.roster().removeTechnician(nz(form.apply("id")).trim());
                yield "technician " + t.id() + " removed: " + t.name();
            }
            case "rotations" -> {
                Role r = role(form.apply("role"));
                List<String> members = Arrays.stream(nz(form.apply("members")).split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList();
                // a field left blank keeps the role's current rotation's setting (a new one: 1w, 08:00
                // America/Winnipeg, from today), as on the command line
                var rot = services.roster().setRotation(new RosterService.RotationSpec(r, members,
                        blank(form.apply("shift")), blank(form.apply("handoff")), blank(form.apply("zone")),
                        blank(form.apply("start"))));
                yield "rotation for " + r + " set: " + rot.memberIds().size() + " member(s), " + rot.shift().amount() + " "
                        + rot.shift().unit().name().toLowerCase(java.util.Locale.ROOT) + ", hand-off " + rot.handoff() + " "
                        + rot.zone().getId() + " from " + rot.startDate();
            }
            case "overrides" -> {
                ZoneId desk = services.calendar().calendar().zone();
                var o = services.roster().addOverride(role(form.apply("role")), form.apply("tech"),
                        local("from", form.apply("from"), desk), local("until", form.apply("until"), desk));
                yield "override " + o.id() + " added";
            }
            case "overrides-remove" -> {
                long id = number("override", form.apply("id"));
                services.roster().removeOverride(id);
                yield "override " + id + " removed";
            }
            case "hours" -> "business hours set: "
                    + services.calendar().setHours(form.apply("week"), blank(form.apply("zone"))).describeHours();
            case "holidays" -> {
                var h = services.calendar().addHoliday(form.apply("date"), form.apply("name"));
                yield "holiday added: " + h.date() + " " + h.name();
            }
            case "holidays-remove" -> {
                services.calendar().removeHoliday(form.apply("date"));
                yield "holiday removed: " + form.apply("date");
            }
            case "policy" -> {
                List<String> steps = Arrays.stream(nz(form.apply("steps")).split("\n")).map(String::trim)
                        .filter(s -> !s.isEmpty()).toList();
                yield "escalation policy set: " + services.incidents().setPolicy(steps, blank(form.apply("repeat")));
            }
            default -> throw new org.pagerline.service.NotFoundException("no admin action " + what);
        };
    }

    private static Role role(String s) {
        try {
            return Role.parse(s);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    private static long number(String what, String s) {
        try {
            return Long.parseLong(nz(s).trim());
        } catch (NumberFormatException e) {
            throw new ValidationException(what + " id '" + s + "' is not a number");
        }
    }

    /** A browser's datetime-local value (2026-11-23T03:00), in the desk's zone. */
    private static Instant local(String field, String s, ZoneId zone) {
        try {
            return LocalDateTime.parse(nz(s).trim()).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new ValidationException(field + " '" + s + "' is not a date and time (2026-11-23T03:00)");
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
