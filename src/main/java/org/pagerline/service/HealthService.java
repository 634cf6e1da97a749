package org.pagerline.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Whether each part (database, scheduler, AGI listener ...) is up. A check that throws is down. */
public final class HealthService {
    public record Check(String name, BooleanSupplier up) {}

    private final List<Check> checks;

    public HealthService(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Name to up/down, in the order the checks were given. */
    public Map<String, Boolean> report() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Check c : checks) {
            boolean up;
            try {
                up = c.up().getAsBoolean();
            } catch (RuntimeException e) {
                up = false;
            }
            out.put(c.name(), up);
        }
        return out;
    }
}
