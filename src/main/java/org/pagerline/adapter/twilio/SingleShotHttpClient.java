package org.pagerline.adapter.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * twilio-java's HTTP client with its retries switched off. The SDK's {@code HttpClient.reliableRequest}
 * repeats any request that gets a 5xx (up to 3 times, 100 ms apart), POSTs included: a create that
 * Twilio actually performed before failing would send the page two or three times. pagerline makes
 * exactly one attempt per page and lets the paging engine retry with back-off, where it is recorded.
 * (httpclient5's own retries are disabled by the builder in {@link TwilioClients}.)
 */
final class SingleShotHttpClient extends NetworkHttpClient {

    SingleShotHttpClient(HttpClientBuilder builder) {
        super(builder);
    }

    @Override
    protected boolean shouldRetry(Response response, int[] retryCodes) {
        return false;
    }
}
