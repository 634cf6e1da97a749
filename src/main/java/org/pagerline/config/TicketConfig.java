package org.pagerline.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.pagerline.core.ticket.ClockKind;

/**
 * Tickets' service-level clocks: the warning lead per clock, and the quiet time after which a
 * resolved ticket closes by itself.
 *
 * @param warningLead how long before each clock's deadline (in that clock's own time: business
 *                    time for business-hours clocks) the team lead is warned
 * @param autoCloseAfter a RESOLVED ticket with no word from the customer for this long is CLOSED
 */
public record TicketConfig(Map<ClockKind, Duration> warningLead, Duration autoCloseAfter) {

    public TicketConfig {
        warningLead = Map.copyOf(warningLead);
    }

    public static TicketConfig defaults() {
        return from(Settings.ofMap(Map.of()));
    }

    public static TicketConfig from(Settings s) {
        Map<ClockKind, Duration> lead = new EnumMap<>(ClockKind.class);
        lead.put(ClockKind.CONTACT, positive(s, "sla.warning.contact", Duration.ofMinutes(60)));
        lead.put(ClockKind.RESPOND, positive(s, "sla.warning.respond", Duration.ofMinutes(30)));
        lead.put(ClockKind.RESOLVE, positive(s, "sla.warning.resolve", Duration.ofMinutes(60)));
        return new TicketConfig(lead, positive(s, "ticket.auto-close-after", Duration.ofHours(72)));
    }

    private static Duration positive(Settings s, String key, Duration dflt) {
        Duration d = s.duration(key, dflt);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, "must be positive");
        }
        return d;
    }
}
