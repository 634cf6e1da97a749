package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.ServerProcess;

/** The real server in its own JVM: health, CLI beside it, clean SIGTERM stop, restart keeps data. */
class ServerLifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @Test
    void starts_with_defaults_reports_health_stops_cleanly_and_restarts_with_its_data() throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start()) {
            JsonNode health = JSON.readTree(server.health().body());
            assertEquals("UP", health.get("status").asText());
            assertEquals("UP", health.get("database").asText());
            assertEquals("UP", health.get("scheduler").asText());
            assertEquals("UP", health.get("agi").asText());

            // The command line works beside the running server (through its admin socket).
            assertEquals(0, server.cli("tech", "add", "--name", "Alice Able", "--phone", "+12045550101").exit());
            assertEquals(0, server.cli("holiday", "add", "2026-12-25", "Christmas").exit());

            assertEquals(143, server.stop(), "SIGTERM exit status");
            String log = server.log();
            assertTrue(log.contains("pagerline stopping") && log.contains("pagerline stopped"), log);
            assertTrue(!log.contains("ERROR"), "a clean stop logs no error:\n" + log);

            server.start();
            assertEquals(200, server.health().statusCode());
            ServerProcess.CliResult techs = server.cli("tech", "list", "--json");
            assertEquals("Alice Able", JSON.readTree(techs.out()).get(0).get("name").asText(), techs.all());
            assertEquals("Christmas", JSON.readTree(server.cli("holiday", "list", "--json").out()).get(0).get("name").asText());
        }
    }

    @Test
    void a_bad_setting_stops_the_start_with_one_line_naming_the_key_and_exit_status_2() throws Exception {
        ServerProcess server = new ServerProcess(dir, Map.of("http.port", "eighty"));
        Path out = dir.resolve("bad.log");
        Process p = server.launch(List.of("server"), out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        List<String> lines = Files.readAllLines(out);
        assertEquals(List.of("error: http.port: 'eighty' is not a whole number"), lines);
    }
}
