package org.pagerline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * config/pagerline.properties is the reference: every key pagerline reads is listed there (as
 * {@code #key=default}, or as a secret's environment variable), and nothing listed is unknown.
 */
class ConfigFileDocumentsEveryKeyTest {
    private static final Pattern KEY_LINE = Pattern.compile("^#?([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)=", Pattern.MULTILINE);

    @Test
    void everyKeyIsDocumentedAndEveryDocumentedKeyIsReal() throws Exception {
        String file = Files.readString(Path.of("config/pagerline.properties"));
        Set<String> documented = new TreeSet<>();
        Matcher m = KEY_LINE.matcher(file);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Settings s = Settings.ofMap(Map.of());
        PagerlineConfig.from(s);
        Set<String> read = new TreeSet<>(s.keysRead());
        Set<String> secrets = new TreeSet<>();
        for (String k : read) {
            if (!documented.contains(k) && file.contains(Settings.envName(k))) {
                secrets.add(k); // documented by its environment variable
            }
        }
        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(documented);
        undocumented.removeAll(secrets);
        assertEquals(Set.of(), undocumented, "keys pagerline reads but config/pagerline.properties does not list");
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(read);
        assertEquals(Set.of(), unknown, "keys config/pagerline.properties lists but nothing reads");
        assertTrue(read.size() > 30, "the check saw the keys: " + read);
    }
}
