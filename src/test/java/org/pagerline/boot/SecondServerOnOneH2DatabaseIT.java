package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.ServerProcess;

/**
 * H2 is single-node: a second server started on the database a running one holds is refused at
 * once, in one line naming the running one (host, pid, its ports), whether it shares the data
 * directory or only points db.url at the same file; the running server and its command line
 * carry on.
 */
class SecondServerOnOneH2DatabaseIT {
    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheSameH2DatabaseIsRefusedInOneLineNamingTheFirst() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.createDirectories(dir.resolve("c"));
        try (ServerProcess first = new ServerProcess(dir.resolve("a"), Map.of()).start()) {
            String shared = first.dataDir().toString();
            // the same data directory, other ports (as a second node would be configured)
            ServerProcess sameDir = new ServerProcess(dir.resolve("b"), Map.of("data.dir", shared));
            // another data directory, the same H2 file through db.url
            ServerProcess sameFile = new ServerProcess(dir.resolve("c"), Map.of("db.url",
                    "jdbc:h2:file:" + first.dataDir().resolve("pagerline") + ";WRITE_DELAY=0"));
            for (ServerProcess second : List.of(sameDir, sameFile)) {
                Path out = second.config().resolveSibling("second.log");
                Process p = second.launch(List.of("server"), out);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the second server stops by itself");
                List<String> lines = Files.readAllLines(out);
                assertEquals(1, lines.size(), "one line, no stack trace:\n" + String.join("\n", lines));
                String line = lines.get(0);
                assertTrue(line.startsWith("error: a pagerline server is already running on this H2 database"), line);
                assertTrue(line.contains("pid " + first.pid()), line);
                assertTrue(line.contains("host " + ServerMark.hostName()), line);
                assertTrue(line.contains("FastAGI 127.0.0.1:" + first.agiPort()), line);
                assertTrue(line.contains("HTTP 127.0.0.1:" + first.httpPort()), line);
                assertEquals(1, p.exitValue());
                assertEquals(-1, second.get("/health").statusCode(), "the second server never listened");
            }
            assertEquals(200, first.health().statusCode(), "the first server carries on");
            assertEquals(0, first.cli("tech", "add", "--name", "Alice Able", "--phone", "+12045550101").exit());
            assertTrue(first.cli("tech", "list").out().contains("Alice Able"), "the command line works beside the server");
        }
    }
}
