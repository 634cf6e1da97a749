package org.pagerline.adapter.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.roster.Override;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.RosterStore;
import org.pagerline.core.roster.Rotation;
import org.pagerline.core.roster.ShiftLength;
import org.pagerline.core.roster.ShiftUnit;
import org.pagerline.core.roster.Technician;

final class JdbcRosterStore implements RosterStore {
    private static final String TECH = "SELECT id, name, phone, sms_phone, email, zone FROM technicians";
    private final Jdbc db;

    JdbcRosterStore(Jdbc db) {
        this.db = db;
    }

    private static Technician tech(ResultSet rs) throws SQLException {
        return new Technician(rs.getLong("id"), rs.getString("name"), rs.getString("phone"), rs.getString("sms_phone"),
                rs.getString("email"), ZoneId.of(rs.getString("zone")));
    }

    @java.lang.Override
    public Technician insertTechnician(Technician t, Instant at) {
        long id = db.insert("INSERT INTO technicians (name, name_key, phone, sms_phone, email, zone, created_at)"
                        + " VALUES (?,?,?,?,?,?,?)", t.name(), t.name().toLowerCase(Locale.ROOT), t.phone(), t.smsPhone(),
                t.email(), t.zone().getId(), at);
        return new Technician(id, t.name(), t.phone(), t.smsPhone(), t.email(), t.zone());
    }

    @java.lang.Override
    public Optional<Technician> technician(long id) {
        return db.one(TECH + " WHERE id=?", JdbcRosterStore::tech, id);
    }

    @java.lang.Override
    public Optional<Technician> technicianByName(String name) {
        return db.one(TECH + " WHERE name_key=?", JdbcRosterStore::tech, name.trim().toLowerCase(Locale.ROOT));
    }

    @java.lang.Override
    public Optional<Technician> technicianByPhone(String e164) {
        return db.one(TECH + " WHERE phone=? OR sms_phone=? ORDER BY id", JdbcRosterStore::tech, e164, e164);
    }

    @java.lang.Override
    public List<Technician> technicians() {
        return db.list(TECH + " ORDER BY id", JdbcRosterStore::tech);
    }

    @java.lang.Override
    public void deleteTechnician(long id) {
        db.update("DELETE FROM technicians WHERE id=?", id);
    }

    @java.lang.Override
    public void updateTechnician(Technician t) {
        db.update("UPDATE technicians SET phone=?, sms_phone=?, email=?, zone=? WHERE id=?", t.phone(), t.smsPhone(),
                t.email(), t.zone().getId(), t.id());
    }

    @java.lang.Override
    public boolean deleteRotation(Role role) {
        db.update("DELETE FROM rotation_members WHERE role=?", role);
        return db.update("DELETE FROM rotations WHERE role=?", role) > 0;
    }

    @java.lang.Override
    public List<Role> rotationsWith(long technicianId) {
        return db.list("SELECT DISTINCT role FROM rotation_members WHERE technician_id=? ORDER BY role",
                rs -> Role.valueOf(rs.getString(1)), technicianId);
    }

    @java.lang.Override
    public Map<Role, Rotation> rotations() {
        Map<Role, List<Long>> members = new EnumMap<>(Role.class);
        for (Object[] m : db.list("SELECT role, technician_id FROM rotation_members ORDER BY role, position",
                rs -> new Object[] {Role.valueOf(rs.getString(1)), rs.getLong(2)})) {
            members.computeIfAbsent((Role) m[0], r -> new ArrayList<>()).add((Long) m[1]);
        }
        Map<Role, Rotation> out = new EnumMap<>(Role.class);
        for (Rotation r : db.list("SELECT role, shift_amount, shift_unit, handoff, zone, start_date FROM rotations",
                rs -> {
                    Role role = Role.valueOf(rs.getString("role"));
                    return new Rotation(role, members.getOrDefault(role, List.of()),
                            new ShiftLength(rs.getInt("shift_amount"), ShiftUnit.valueOf(rs.getString("shift_unit"))),
                            rs.getObject("handoff", LocalTime.class), ZoneId.of(rs.getString("zone")),
                            rs.getObject("start_date", LocalDate.class));
                })) {
            out.put(r.role(), r);
        }
        return out;
    }

    @java.lang.Override
    public void saveRotation(Rotation r, Instant at) {
        db.update("DELETE FROM rotations WHERE role=?", r.role());
        db.update("INSERT INTO rotations (role, shift_amount, shift_unit, handoff, zone, start_date, updated_at)"
                        + " VALUES (?,?,?,?,?,?,?)", r.role(), r.shift().amount(), r.shift().unit(), r.handoff(),
                r.zone().getId(), r.startDate(), at);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < r.memberIds().size(); i++) {
            rows.add(new Object[] {r.role(), i, r.memberIds().get(i)});
        }
        db.batch("INSERT INTO rotation_members (role, position, technician_id) VALUES (?,?,?)", rows);
    }

    @java.lang.Override
    public List<Override> overrides() {
        return db.list("SELECT id, role, technician_id, starts_at, ends_at FROM overrides ORDER BY starts_at, id",
                rs -> new Override(rs.getLong("id"), Role.valueOf(rs.getString("role")), rs.getLong("technician_id"),
                        Jdbc.instant(rs, "starts_at"), Jdbc.instant(rs, "ends_at")));
    }

    @java.lang.Override
    public Override insertOverride(Override o, Instant at) {
        long id = db.insert("INSERT INTO overrides (role, technician_id, starts_at, ends_at, created_at) VALUES (?,?,?,?,?)",
                o.role(), o.technicianId(), o.start(), o.end(), at);
        return new Override(id, o.role(), o.technicianId(), o.start(), o.end());
    }

    @java.lang.Override
    public boolean deleteOverride(long id) {
        return db.update("DELETE FROM overrides WHERE id=?", id) > 0;
    }

}
