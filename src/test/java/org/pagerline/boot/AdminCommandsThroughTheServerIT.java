package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.ServerProcess;

/**
 * The admin's new commands in their own JVM, sent to a real server over its admin socket: a test
 * page goes out through the server's own provider (the log, the embedded default) and shows in
 * {@code page list}; {@code tech set} and {@code incident show} work there as everywhere.
 */
class AdminCommandsThroughTheServerIT {
    @TempDir
    Path dir;

    private static ServerProcess.CliResult ok(ServerProcess.CliResult r) {
        assertEquals(0, r.exit(), r.all());
        return r;
    }

    @Test
    void aTestPageGoesOutThroughTheRunningServersProviderAndIsListed() throws Exception {
        try (ServerProcess server = new ServerProcess(dir, Map.of()).start()) {
            ok(server.cli("tech", "add", "--name", "Alice Able", "--phone", "+12045550101"));
            ServerProcess.CliResult set = ok(server.cli("tech", "set", "Alice Able", "--sms", "+12045550111"));
            assertTrue(set.out().contains("SMS +12045550101 -> +12045550111"), set.out());

            ServerProcess.CliResult sent = ok(server.cli("page", "test", "Alice Able", "--channel", "sms"));
            assertTrue(sent.out().startsWith("test SMS 1 to Alice Able (+12045550111) through log: accepted"), sent.out());
            assertTrue(server.log().contains("PAGE id=1000000000000001 incident=0"), "the log provider printed it: "
                    + server.log());
            ServerProcess.CliResult list = ok(server.cli("page", "list"));
            assertTrue(list.out().contains("test 1 (log)") && list.out().contains("Alice Able")
                    && list.out().contains("+12045550111") && list.out().contains("SENT"), list.out());
            assertTrue(server.log().contains("admin command 'page test' from the command line: exit 0"), server.log());
        }
    }
}
