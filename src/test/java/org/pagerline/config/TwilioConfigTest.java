package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioConfigTest {
    static final String SID = "AC0123456789abcdef0123456789abcdef";
    static final String TOKEN = "tok-5e3b1c9d";

    static Map<String, String> full() {
        Map<String, String> m = new HashMap<>();
        m.put("twilio.account-sid", SID);
        m.put("twilio.from-number", "+12045550100");
        m.put("twilio.public-url", "https://pager.example.com/");
        return m;
    }

    static TwilioConfig load(Map<String, String> file, Map<String, String> env) {
        return TwilioConfig.from(new Settings(file, env));
    }

    @Test
    void absentSidMeansNotConfigured() {
        assertFalse(load(Map.of(), Map.of()).configured());
        assertFalse(PagerlineConfig.from(Settings.ofMap(Map.of())).twilio().configured());
    }

    @Test
    void fullConfigurationWithTheTokenFromTheEnvironment() {
        TwilioConfig c = load(full(), Map.of("PAGERLINE_TWILIO_AUTH_TOKEN", TOKEN));
        assertTrue(c.configured());
        assertEquals(TOKEN, c.authToken());
        assertEquals("https://pager.example.com", c.publicUrl(), "trailing slash dropped");
        assertNull(c.apiUrl());
    }

    @Test
    void theTokenNeverAppearsInToString() {
        TwilioConfig c = load(full(), Map.of("PAGERLINE_TWILIO_AUTH_TOKEN", TOKEN));
        assertFalse(c.toString().contains(TOKEN), c.toString());
        assertTrue(c.toString().contains("authToken=***"));
    }

    @Test
    void aTokenInTheFileIsRefused() {
        Map<String, String> file = full();
        file.put("twilio.auth-token", TOKEN);
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of()));
        assertEquals("twilio.auth-token", e.key());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void missingTokenNamesTheEnvironmentVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(full(), Map.of()));
        assertTrue(e.getMessage().contains("PAGERLINE_TWILIO_AUTH_TOKEN"), e.getMessage());
    }

    @Test
    void badValuesNameTheirKey() {
        Map<String, String> env = Map.of("PAGERLINE_TWILIO_AUTH_TOKEN", TOKEN);
        Map<String, String> badFrom = full();
        badFrom.put("twilio.from-number", "204-555-0100");
        assertEquals("twilio.from-number", assertThrows(ConfigException.class, () -> load(badFrom, env)).key());
        Map<String, String> badUrl = full();
        badUrl.put("twilio.public-url", "pager.example.com");
        assertEquals("twilio.public-url", assertThrows(ConfigException.class, () -> load(badUrl, env)).key());
        Map<String, String> badSid = full();
        badSid.put("twilio.account-sid", "SK123");
        assertEquals("twilio.account-sid", assertThrows(ConfigException.class, () -> load(badSid, env)).key());
    }

    @Test
    void halfASetupIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of("twilio.from-number", "+12045550100"), Map.of()));
        assertEquals("twilio.account-sid", e.key());
    }
}
