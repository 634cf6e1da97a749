package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;

/** With ami.enabled=false (the default), {@code queue show} says AMI is disabled, not "never connected". */
class QueueShowWithAmiDisabledCliTest {
    @TempDir
    Path dir;

    @Test
    void queueShowSaysAmiDisabledWhenItIs() throws Exception {
        CliRunner cli = new CliRunner(dir, MutableClock.at("2026-11-23T16:00:00Z"));
        CliRunner.Result r = cli.run("queue", "show");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("AMI: disabled (ami.enabled=false"), r.out());
        assertFalse(r.out().contains("never connected"), r.out());

        r = cli.run("queue", "show", "--json");
        JsonNode ami = new ObjectMapper().readTree(r.out()).get("ami");
        assertEquals("disabled", ami.get("state").asText());
        assertFalse(ami.get("enabled").asBoolean());
    }
}
