package org.pagerline.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /metrics} on the HTTP port, answered only to {@code metrics.allow} (loopback by default)
 * and never through a reverse proxy (a request carrying Forwarded or X-Forwarded-For is refused):
 * a proxy on the same host connects from loopback, and the desk's figures are not for the world.
 */
public record MetricsConfig(List<AgiConfig.Cidr> allow) {
    public static final MetricsConfig LOOPBACK_ONLY = new MetricsConfig(AgiConfig.LOOPBACK);

    public static MetricsConfig from(Settings s) {
        List<AgiConfig.Cidr> allow = new ArrayList<>();
        for (String part : s.string("metrics.allow", "").split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                allow.add(AgiConfig.Cidr.parse(part.trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("metrics.allow", e.getMessage());
            }
        }
        return new MetricsConfig(allow.isEmpty() ? AgiConfig.LOOPBACK : List.copyOf(allow));
    }

    public boolean allows(InetAddress peer) {
        return peer != null && allow.stream().anyMatch(c -> c.contains(peer));
    }
}
