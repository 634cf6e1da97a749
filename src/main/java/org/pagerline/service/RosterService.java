package org.pagerline.service;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pagerline.core.incident.Target;
import org.pagerline.core.roster.OnCallResolver;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Override;
import org.pagerline.core.roster.Overrides;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.RosterStore;
import org.pagerline.core.roster.Rotation;
import org.pagerline.core.roster.ShiftLength;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.text.TextField;

/** Technicians, rotations, overrides, and who is on call. Every change is one transaction. */
public final class RosterService {
    private final Transactions tx;
    private final PhoneNumbers phones;
    private final Clock clock;

    public RosterService(Transactions tx, PhoneNumbers phones, Clock clock) {
        this.tx = tx;
        this.phones = phones;
        this.clock = clock;
    }

    /** What an admin types to add a technician; validated by {@link #addTechnician}. */
    public record NewTechnician(String name, String phone, String smsPhone, String email, String zone) {}

    /**
     * Adds a technician. Refuses a missing or over-long name, control or bidi characters in any text
     * (see {@link TextField}), a number that is not E.164, and a voice or SMS number that is already
     * another technician's: SMS replies are matched to a technician by number, so each number
     * belongs to one technician.
     */
    public Technician addTechnician(NewTechnician n) {
        String name = text(TextField.TECHNICIAN_NAME, n.name());
        if (name == null) {
            throw new ValidationException("technician name is missing");
        }
        if (name.chars().allMatch(Character::isDigit)) {
            throw new ValidationException("technician name '" + name + "' cannot be only digits (digits refer to ids)");
        }
        if (name.contains(",")) {
            // rotation members and a policy step's targets are comma-separated: such a name could never be used there
            throw new ValidationException("technician name '" + name + "' cannot contain a comma (rotations and the escalation"
                    + " policy list names separated by commas)");
        }
        String phone = phones.requireE164(n.phone(), "phone");
        String sms = n.smsPhone() == null || n.smsPhone().isBlank() ? null : phones.requireE164(n.smsPhone(), "SMS number");
        String email = text(TextField.EMAIL, n.email());
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ValidationException("email '" + email + "' is not an email address");
        }
        ZoneId zone = zone(n.zone() == null || n.zone().isBlank() ? "America/Winnipeg" : n.zone());
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            if (s.roster().technicianByName(name).isPresent()) {
                throw new ValidationException("a technician named '" + name + "' already exists");
            }
            refuseTakenNumber(s.roster(), phone, "phone");
            if (sms != null && !sms.equals(phone)) {
                refuseTakenNumber(s.roster(), sms, "SMS number");
            }
            return s.roster().insertTechnician(new Technician(0, name, phone, sms, email, zone), now);
        });
    }

    private static void refuseTakenNumber(RosterStore roster, String e164, String what) {
        Optional<Technician> owner = roster.technicianByPhone(e164);
        if (owner.isPresent()) {
            Technician o = owner.get();
            String whose = e164.equals(o.phone()) ? "phone" : "SMS number";
            throw new ValidationException(what + " " + e164 + " is already the " + whose + " of technician " + o.id()
                    + " (" + o.name() + "); SMS replies are matched by number, so a number belongs to one technician");
        }
    }

    /**
     * What an admin types to change a technician ({@code tech set}): null leaves a field as it is; an
     * empty SMS number or email clears it (texts then go to the voice number).
     */
    public record TechnicianChange(String phone, String smsPhone, String email, String zone) {
        boolean isEmpty() {
            return phone == null && smsPhone == null && email == null && zone == null;
        }
    }

    /** The technician before and after a change. */
    public record TechnicianChanged(Technician before, Technician after) {}

    /**
     * Changes a technician's phone, SMS number, email or zone, checked as {@link #addTechnician}
     * checks them (E.164 by libphonenumber, a number another technician has is refused naming them,
     * a known time zone). Pages already written keep the number they were written for.
     */
    public TechnicianChanged updateTechnician(String ref, TechnicianChange c) {
        if (c == null || c.isEmpty()) {
            throw new ValidationException("nothing to change: give --phone, --sms, --email or --zone");
        }
        String phone = c.phone() == null ? null : phones.requireE164(c.phone(), "phone");
        String sms = c.smsPhone() == null || c.smsPhone().isBlank() ? null : phones.requireE164(c.smsPhone(), "SMS number");
        String email = c.email() == null ? null : text(TextField.EMAIL, c.email());
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ValidationException("email '" + email + "' is not an email address");
        }
        return tx.inTransaction(s -> {
            Technician t = resolve(s.roster(), ref);
            // the zone they already have is no change (the console's form sends it back), even one
            // a new technician could no longer be given
            ZoneId zone = c.zone() == null || c.zone().trim().equals(t.zone().getId()) ? null : zone(c.zone());
            String newPhone = phone == null ? t.phone() : phone;
            String newSms = c.smsPhone() == null ? t.smsPhone() : sms;
            String newEmail = c.email() == null ? t.email() : email;
            Technician after = new Technician(t.id(), t.name(), newPhone, newSms, newEmail, zone == null ? t.zone() : zone);
            refuseTakenByAnother(s.roster(), newPhone, "phone", t.id());
            if (newSms != null && !newSms.equals(newPhone)) {
                refuseTakenByAnother(s.roster(), newSms, "SMS number", t.id());
            }
            s.roster().updateTechnician(after);
            return new TechnicianChanged(t, after);
        });
    }

    private static void refuseTakenByAnother(RosterStore roster, String e164, String what, long self) {
        Optional<Technician> owner = roster.technicianByPhone(e164)
                .filter(o -> o.id() != self)
                .or(() -> roster.technicians().stream()
                        .filter(o -> o.id() != self && (e164.equals(o.phone()) || e164.equals(o.smsPhone()))).findFirst());
        if (owner.isPresent()) {
            Technician o = owner.get();
            String whose = e164.equals(o.phone()) ? "phone" : "SMS number";
            throw new ValidationException(what + " " + e164 + " is already the " + whose + " of technician " + o.id()
                    + " (" + o.name() + "); SMS replies are matched by number, so a number belongs to one technician");
        }
    }

    /** A free text checked by the domain's rules: trimmed, or null when blank. */
    static String text(TextField field, String value) {
        return core(() -> field.check(value));
    }

    public List<Technician> technicians() {
        return tx.inTransaction(s -> s.roster().technicians());
    }

    /** By id, or by name ignoring case. */
    public Technician technician(String ref) {
        return tx.inTransaction(s -> resolve(s.roster(), ref));
    }

    public Optional<Technician> technicianByPhone(String e164) {
        return tx.inTransaction(s -> s.roster().technicianByPhone(e164));
    }

    /**
     * Refuses while the technician is in a rotation, holds a current or future override, or is named
     * by a step of the escalation policy (that step would then page nobody).
     */
    public Technician removeTechnician(String ref) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            Technician t = resolve(s.roster(), ref);
            List<Role> in = s.roster().rotationsWith(t.id());
            if (!in.isEmpty()) {
                throw new ValidationException(t.name() + " is in the " + in + " rotation; change the rotation first");
            }
            refuseWhilePolicyPages(s, "pages " + t.name(), target ->
                    target instanceof Target.Named n && n.name().equalsIgnoreCase(t.name())
                            || target instanceof Target.Technician id && id.id() == t.id());
            for (Override o : s.roster().overrides()) {
                if (o.technicianId() == t.id()) {
                    if (o.end().isAfter(now)) {
                        throw new ValidationException(t.name() + " holds override " + o.id() + " until " + o.end()
                                + "; remove it first");
                    }
                    s.roster().deleteOverride(o.id());
                }
            }
            s.roster().deleteTechnician(t.id());
            return t;
        });
    }

    /**
     * A rotation as typed: member references (ids or names) in order. A setting left null keeps the
     * role's current rotation's (or, for a new rotation, the default: weekly shifts handing off at
     * 08:00 America/Winnipeg, starting today).
     */
    public record RotationSpec(Role role, List<String> members, String shift, String handoff, String zone, String startDate) {}

    /**
     * Sets ROLE's rotation. Settings not given are kept from the rotation it replaces, so adding a
     * member does not move the turns' start (and with it who is on call tonight) to today.
     */
    public Rotation setRotation(RotationSpec spec) {
        if (spec.members() == null || spec.members().isEmpty()) {
            throw new ValidationException("rotation for " + spec.role() + " has no members");
        }
        ShiftLength shift = spec.shift() == null ? null : core(() -> ShiftLength.parse(spec.shift()));
        LocalTime handoff = spec.handoff() == null ? null : core(() -> LocalTime.parse(spec.handoff()),
                "hand-off time '" + spec.handoff() + "' is not a time of day (HH:MM)");
        ZoneId zone = spec.zone() == null ? null : zone(spec.zone());
        LocalDate start = spec.startDate() == null ? null
                : core(() -> LocalDate.parse(spec.startDate()), "start date '" + spec.startDate() + "' is not a date (YYYY-MM-DD)");
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            List<Long> ids = new ArrayList<>();
            for (String m : spec.members()) {
                ids.add(resolve(s.roster(), m).id());
            }
            Rotation was = s.roster().rotations().get(spec.role());
            ShiftLength sh = shift != null ? shift : was != null ? was.shift() : ShiftLength.parse("1w");
            LocalTime at = handoff != null ? handoff : was != null ? was.handoff() : LocalTime.of(8, 0);
            ZoneId z = zone != null ? zone : was != null ? was.zone() : ZoneId.of("America/Winnipeg");
            LocalDate from = start != null ? start : was != null ? was.startDate() : LocalDate.now(clock.withZone(z));
            Rotation r = core(() -> new Rotation(spec.role(), ids, sh, at, z, from));
            s.roster().saveRotation(r, now);
            return r;
        });
    }

    /** What removing a rotation did: the overrides of that role that are kept, and who is on call now. */
    public record RotationRemoved(Role role, List<Override> overridesKept) {}

    /**
     * Removes ROLE's rotation. Refused while the escalation policy pages that role (naming the step):
     * with no rotation the role would be unfilled and that step would page nobody. The role's current
     * and future overrides are kept (during them the role is still filled); past ones are left as
     * they are.
     */
    public RotationRemoved removeRotation(Role role) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            if (!s.roster().rotations().containsKey(role)) {
                throw new NotFoundException("there is no rotation for " + role);
            }
            refuseWhilePolicyPages(s, "still pages " + role, new Target.OnCall(role)::equals);
            s.roster().deleteRotation(role);
            List<Override> kept = s.roster().overrides().stream()
                    .filter(o -> o.role() == role && o.end().isAfter(now)).toList();
            return new RotationRemoved(role, kept);
        });
    }

    public Map<Role, Rotation> rotations() {
        return tx.inTransaction(s -> s.roster().rotations());
    }

    public Override addOverride(Role role, String techRef, Instant start, Instant end) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            Technician t = resolve(s.roster(), techRef);
            Override candidate = core(() -> new Override(0, role, t.id(), start, end));
            if (!end.isAfter(now)) {
                throw new ValidationException("override would end at " + end + ", which is already past");
            }
            Optional<Override> clash = Overrides.findOverlap(s.roster().overrides(), candidate);
            if (clash.isPresent()) {
                Override c = clash.get();
                throw new ValidationException("overlaps override " + c.id() + " for " + c.role() + " (" + c.start()
                        + " to " + c.end() + ")");
            }
            return s.roster().insertOverride(candidate, now);
        });
    }

    public List<Override> overrides() {
        return tx.inTransaction(s -> s.roster().overrides());
    }

    public void removeOverride(long id) {
        tx.run(s -> {
            if (!s.roster().deleteOverride(id)) {
                throw new NotFoundException("no override with id " + id);
            }
        });
    }

    /** Who holds each role at {@code at}: every role present, empty when unfilled. */
    public Map<Role, Optional<OnCallShift>> onCall(Instant at) {
        return tx.inTransaction(s -> onCall(s.roster(), at));
    }

    /** Same, inside a caller's transaction. */
    public static Map<Role, Optional<OnCallShift>> onCall(RosterStore roster, Instant at) {
        Map<Long, Technician> techs = new java.util.HashMap<>();
        for (Technician t : roster.technicians()) {
            techs.put(t.id(), t);
        }
        return OnCallResolver.resolve(at, roster.rotations(), roster.overrides(), techs);
    }

    /**
     * Refuses (naming the step) while a step of the escalation policy has a target {@code pages}
     * matches: "the escalation policy {@code what} at step 2 (5m TEAM_LEAD); change it first ...".
     * Removing that target would leave the step paging nobody.
     */
    private static void refuseWhilePolicyPages(Stores s, String what, java.util.function.Predicate<Target> pages) {
        org.pagerline.core.incident.EscalationPolicy policy = EscalationEngine.policy(s);
        for (int i = 0; i < policy.steps().size(); i++) {
            org.pagerline.core.incident.EscalationPolicy.Step step = policy.steps().get(i);
            if (step.targets().stream().anyMatch(pages)) {
                throw new ValidationException("the escalation policy " + what + " at step " + (i + 1) + " (" + step
                        + "); change it first with pagerline policy set");
            }
        }
    }

    static Technician resolve(RosterStore roster, String ref) {
        String r = ref == null ? "" : ref.trim();
        if (r.isEmpty()) {
            throw new ValidationException("technician is missing");
        }
        Optional<Technician> t = r.chars().allMatch(Character::isDigit)
                ? roster.technician(Long.parseLong(r)) : roster.technicianByName(r);
        return t.orElseThrow(() -> new NotFoundException("unknown technician '" + r + "'"));
    }

    /**
     * A time zone by its region id (America/Winnipeg), or UTC. A fixed offset ("-06:00", "UTC-6",
     * "Etc/GMT+6") or an old three-letter id ("EST", "CST6CDT") is refused: a fixed offset never
     * moves for daylight saving, so a hand-off at 08:00 "-06:00" falls at 09:00 all summer in
     * Winnipeg; the place's own id keeps it at 08:00 there all year.
     */
    static ZoneId zone(String id) {
        String z = id == null ? "" : id.trim();
        ZoneId zone;
        try {
            zone = ZoneId.of(z);
        } catch (DateTimeException e) {
            throw new ValidationException("unknown time zone '" + id + "'");
        }
        String zid = zone.getId();
        boolean utc = zone.getRules().isFixedOffset()
                && zone.getRules().getOffset(Instant.EPOCH).equals(java.time.ZoneOffset.UTC);   // UTC and its aliases
        boolean offset = zone instanceof java.time.ZoneOffset || zid.matches("(?i)(UTC|GMT|UT)[+-].*") || zid.startsWith("Etc/")
                || Set.of("EST", "MST", "HST", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT").contains(zid);
        if (!utc && offset) {
            throw new ValidationException("time zone '" + z + "' is a fixed offset or an old abbreviation, which ignores daylight"
                    + " saving: name the place (e.g. America/Winnipeg), or UTC");
        }
        return zone;
    }

    /** Runs domain construction, turning its IllegalArgumentException into a user error. */
    static <T> T core(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (ValidationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    static <T> T core(java.util.function.Supplier<T> f, String message) {
        try {
            return f.get();
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new ValidationException(message);
        }
    }
}
