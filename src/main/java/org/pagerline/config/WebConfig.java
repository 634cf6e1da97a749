package org.pagerline.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The staff console and the client portal.
 *
 * @param publicUrl   the address people reach pagerline's web pages at (http.public-url), no trailing
 *                    slash: sign-in links and the paging SMS's incident links start with it, the Origin
 *                    of every form must be it, and session cookies are Secure when it is https. Default:
 *                    http://&lt;http.bind&gt;:&lt;http.port&gt;
 * @param sessionIdle a session unused this long is over (web.session-idle)
 */
public record WebConfig(String publicUrl, Duration sessionIdle) {

    public boolean https() {
        return publicUrl.startsWith("https://");
    }

    /** The scheme://host[:port] part, as browsers send it in the Origin header. */
    public String origin() {
        URI u = URI.create(publicUrl);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    public static WebConfig from(Settings s, HttpConfig http) {
        String dflt = "http://" + (http.bind().contains(":") ? "[" + http.bind() + "]" : http.bind()) + ":" + http.port();
        String url = s.string("http.public-url", dflt);
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("http.public-url", "'" + url + "' is not a URL");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null
                || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
            throw new ConfigException("http.public-url", "'" + url + "' must be an http:// or https:// base URL with a host"
                    + " and no query");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        Duration idle = s.duration("web.session-idle", Duration.ofHours(12));
        if (idle.compareTo(Duration.ofMinutes(5)) < 0 || idle.compareTo(Duration.ofDays(30)) > 0) {
            throw new ConfigException("web.session-idle", idle + " is out of range (5m to 30d)");
        }
        return new WebConfig(url, idle);
    }
}
