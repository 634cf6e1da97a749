package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {number} and {phone} mean the same in every dial-string template pagerline reads. */
class DialTemplateTest {
    private static final String ALICE = "+12045550101";

    @Test
    void numberIsTheDigitsWithoutThePlusInEveryTemplate() {
        Settings s = Settings.ofMap(Map.of(
                "line.dial-template", "PJSIP/{number}@trunk",
                "ami.page-dial-template", "PJSIP/{number}@trunk",
                "ami.member-template", "Local/{number}@pagerline-members"));
        assertEquals("PJSIP/12045550101@trunk", LineConfig.from(s).dialTarget(ALICE), "the urgent Dial");
        assertEquals("PJSIP/12045550101@trunk", AmiConfig.from(s).pageDialString(ALICE), "pages and the call-back");
        assertEquals("Local/12045550101@pagerline-members", AmiConfig.from(s).memberInterface(ALICE), "queue members");
    }

    @Test
    void phoneIsTheNumberWithThePlusInEveryTemplate() {
        Settings s = Settings.ofMap(Map.of(
                "line.dial-template", "PJSIP/{phone}@trunk",
                "ami.page-dial-template", "PJSIP/{phone}@trunk",
                "ami.member-template", "Local/{phone}@pagerline-members"));
        assertEquals("PJSIP/+12045550101@trunk", LineConfig.from(s).dialTarget(ALICE));
        assertEquals("PJSIP/+12045550101@trunk", AmiConfig.from(s).pageDialString(ALICE));
        assertEquals("Local/+12045550101@pagerline-members", AmiConfig.from(s).memberInterface(ALICE));
    }

    @Test
    void theDefaultsDialTheDigitsEverywhere() {
        Settings s = Settings.ofMap(Map.of());
        assertEquals("PJSIP/12045550101@trunk", LineConfig.from(s).dialTarget(ALICE));
        assertEquals("PJSIP/12045550101@trunk", AmiConfig.from(s).pageDialString(ALICE));
        assertEquals("Local/12045550101@pagerline-members", AmiConfig.from(s).memberInterface(ALICE));
    }

    @Test
    void aTemplateWithoutAPlaceholderOrWithDialOptionsIsRefusedNamingTheKey() {
        for (String key : new String[] {"line.dial-template", "ami.page-dial-template", "ami.member-template"}) {
            for (String bad : new String[] {"PJSIP/alice@trunk", "PJSIP/{number}@trunk,30"}) {
                ConfigException e = assertThrows(ConfigException.class, () -> {
                    Settings s = Settings.ofMap(Map.of(key, bad));
                    LineConfig.from(s);
                    AmiConfig.from(s);
                }, key + "=" + bad);
                assertEquals(key, e.key());
            }
        }
    }
}
