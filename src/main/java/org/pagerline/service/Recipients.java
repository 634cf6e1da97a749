package org.pagerline.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pagerline.core.incident.Target;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;

/** Resolves a step's targets to people at the moment of paging: roles from the roster, names from the directory. */
final class Recipients {
    private Recipients() {}

    /** The people, once each, in target order; {@code unfilled} collects targets nobody holds. */
    static List<Technician> resolve(Stores s, List<Target> targets, Instant at, Map<Role, Optional<OnCallShift>> onCall,
            List<String> unfilled) {
        Map<Long, Technician> out = new LinkedHashMap<>();
        for (Target t : targets) {
            Optional<Technician> who;
            if (t instanceof Target.OnCall r) {
                who = onCall.getOrDefault(r.role(), Optional.empty()).map(OnCallShift::technician);
            } else if (t instanceof Target.Named n) {
                who = s.roster().technicianByName(n.name());
            } else {
                who = s.roster().technician(((Target.Technician) t).id());
            }
            if (who.isPresent()) {
                out.putIfAbsent(who.get().id(), who.get());
            } else {
                unfilled.add(t.toString());
            }
        }
        return new ArrayList<>(out.values());
    }
}
