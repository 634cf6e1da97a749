package org.pagerline.core.roster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Port: technicians, rotations and overrides. Implementations run inside a transaction. */
public interface RosterStore {

    /** Inserts (the id is ignored) and returns the technician with its new id. */
    Technician insertTechnician(Technician t, java.time.Instant at);

    Optional<Technician> technician(long id);

    /** Case-insensitive exact name. */
    Optional<Technician> technicianByName(String name);

    /** By voice or SMS number (E.164). */
    Optional<Technician> technicianByPhone(String e164);

    List<Technician> technicians();

    void deleteTechnician(long id);

    /** Replaces the technician's phone, SMS number, email and zone (by id; the name is kept). */
    void updateTechnician(Technician t);

    /** The roles whose rotation lists this technician. */
    List<Role> rotationsWith(long technicianId);

    Map<Role, Rotation> rotations();

    /** Replaces the role's rotation. */
    void saveRotation(Rotation rotation, java.time.Instant at);

    /** Removes the role's rotation and its member list; false if it had none. */
    boolean deleteRotation(Role role);

    List<Override> overrides();

    Override insertOverride(Override o, java.time.Instant at);

    boolean deleteOverride(long id);
}
