package org.pagerline.config;

/** The HTTP listener (health, webhooks). Loopback unless configured otherwise. */
public record HttpConfig(String bind, int port) {
    public static HttpConfig from(Settings s) {
        return new HttpConfig(s.string("http.bind", "127.0.0.1"), s.port("http.port", 8080));
    }
}
