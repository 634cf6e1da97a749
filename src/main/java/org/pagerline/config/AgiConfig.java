package org.pagerline.config;

/**
 * The FastAGI listener Asterisk connects to. asterisk-java runs one thread per live call and
 * refuses calls beyond {@code agi.max-calls}; its own default of 500 is raised here.
 */
public record AgiConfig(String bind, int port, int maxCalls) {
    public static AgiConfig from(Settings s) {
        return new AgiConfig(s.string("agi.bind", "127.0.0.1"), s.port("agi.port", 4573),
                s.integer("agi.max-calls", 2000, 1, 100_000));
    }
}
