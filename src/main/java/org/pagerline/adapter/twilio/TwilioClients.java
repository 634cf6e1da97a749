package org.pagerline.adapter.twilio;

import com.twilio.http.TwilioRestClient;
import java.net.URI;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;
import org.pagerline.config.TwilioConfig;

/**
 * Builds the one {@link TwilioRestClient} pagerline uses (no {@code Twilio.init}, no global state):
 * no retries (see {@link SingleShotHttpClient}), a read timeout of {@code twilio.timeout}, and,
 * when {@code twilio.api-url} is set, every request routed to that host instead of api.twilio.com.
 * The SDK has no base-URL setting; a route planner that ignores the target host does the job.
 */
public final class TwilioClients {
    private TwilioClients() {}

    public static TwilioRestClient restClient(TwilioConfig config) {
        if (!config.configured()) {
            throw new IllegalStateException("Twilio is not configured");
        }
        Timeout timeout = Timeout.ofMilliseconds(config.timeout().toMillis());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(50)
                .setMaxConnPerRoute(50)
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).setSoKeepAlive(true).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .build();
        HttpClientBuilder http = HttpClientBuilder.create()
                .setConnectionManager(connections)
                .disableAutomaticRetries();
        URI api = config.apiUrl();
        if (api != null) {
            HttpHost target = new HttpHost(api.getScheme(), api.getHost(),
                    api.getPort() > 0 ? api.getPort() : ("https".equals(api.getScheme()) ? 443 : 80));
            boolean secure = "https".equals(api.getScheme());
            http.setRoutePlanner((requested, context) -> new HttpRoute(target, null, secure));
        }
        return new TwilioRestClient.Builder(config.accountSid(), config.authToken())
                .httpClient(new SingleShotHttpClient(http))
                .build();
    }
}
