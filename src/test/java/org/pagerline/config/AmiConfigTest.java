package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AmiConfigTest {
    @Test
    void offByDefaultAndNeedsNoPassword() {
        AmiConfig c = AmiConfig.from(Settings.ofMap(Map.of()));
        assertFalse(c.enabled());
        assertEquals(5038, c.port());
        assertEquals("PJSIP/12045550123@trunk", c.pageDialString("+12045550123"));
    }

    @Test
    void enabledWithoutThePasswordInTheEnvironmentNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AmiConfig.from(Settings.ofMap(Map.of("ami.enabled", "true"))));
        assertEquals("ami.password", e.key());
        assertTrue(e.getMessage().contains("PAGERLINE_AMI_PASSWORD"), e.getMessage());
    }

    @Test
    void aPasswordInTheFileIsRefused() {
        assertThrows(ConfigException.class, () -> AmiConfig.from(Settings.ofMap(Map.of("ami.password", "oops"))));
    }

    @Test
    void templatesNeedAPlaceholderAndExpandWithOrWithoutThePlus() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> AmiConfig.from(Settings.ofMap(Map.of("ami.member-template", "PJSIP/alice"))));
        assertEquals("ami.member-template", e.key());
        AmiConfig c = AmiConfig.from(Settings.ofMap(Map.of("ami.member-template", "Local/{phone}@pagerline-members")));
        assertEquals("Local/+12045550101@pagerline-members", c.memberInterface("+12045550101"));
    }

    @Test
    void thePasswordNeverShowsInToString() {
        AmiConfig c = AmiConfig.from(new Settings(Map.of("ami.enabled", "true"), Map.of("PAGERLINE_AMI_PASSWORD", "hunter2")));
        assertEquals("hunter2", c.password());
        assertFalse(c.toString().contains("hunter2"));
    }
}
