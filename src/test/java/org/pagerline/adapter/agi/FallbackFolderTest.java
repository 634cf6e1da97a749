package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.CallService;
import org.pagerline.service.LiveCall;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.RecordingIncidentOpener;
import org.pagerline.testkit.TestDatabase;
import org.pagerline.testkit.UrgentCallers;

/**
 * A single node was down when its cut-off caller hung up, so nobody took the fallback's hand-over:
 * at its next start, the node reads the folder (Asterisk on the same host) and takes the message
 * owed to the call it cut off, as the hand-over would have. Nothing else in the folder is taken.
 */
class FallbackFolderTest {
    @TempDir
    Path recordings;
    private final TestDatabase db = TestDatabase.inMemory();
    private final MutableClock clock = MutableClock.at("2026-11-23T03:00:00Z");
    private final RecordingIncidentOpener opener = new RecordingIncidentOpener();

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theNextStartTakesTheMessageOwedToTheCallItCutOffAndNothingElse() throws Exception {
        LiveCall live = urgentCaller(node("node-a"), "1763900006.1");
        CallService next = node("node-a"); // the next start on the host
        assertEquals(1, next.endCallsLeftLive());
        assertEquals(1, opener.opened().size());
        assertNull(opener.opened().get(0).recording(), "paged at the cut-off with no message");
        Path folder = Files.createDirectories(recordings.resolve("fallback"));
        Path words = file(folder, "20261123-030012-12045550123-1763900006.1", 16_000);
        file(folder, "20261123-030013-12045550124-1763900006.2", 16_000); // a call pagerline has no record of
        file(folder, "20261123-030014-12045550123-1763900006.1-x", 16_000); // not a name the dialplan makes
        file(folder, "whatever", 16_000);
        LiveCall shortOne = urgentCaller(node("node-c"), "1763900006.3");
        CallService nextC = node("node-c");
        assertEquals(1, nextC.endCallsLeftLive());
        file(folder, "20261123-030015-12045550125-1763900006.3", 4_000); // under half a second
        FallbackFolder sweep = new FallbackFolder(next, recordings.toString(), Duration.ofDays(7));

        assertEquals(1, sweep.handOverLeft());

        assertEquals(3, opener.opened().size(), opener.opened().toString());
        String expected = folder + "/20261123-030012-12045550123-1763900006.1";
        assertEquals(expected, opener.opened().get(2).recording(), "the incident pages with the caller's words");
        assertEquals(Priority.P1, opener.opened().get(2).priority());
        assertEquals(expected, next.find(live.callId()).orElseThrow().recording());
        assertTrue(Files.exists(words), "the file stays where Asterisk put it");
        assertEquals(null, next.find(shortOne.callId()).orElseThrow().recording(), "a short one is not a message");
        assertEquals(0, sweep.handOverLeft(), "taken once");
        next.close();
        nextC.close();
    }

    @Test
    void aMessageOlderThanTheWindowIsLeftAndAFolderThatIsNotHereIsNoMatter() throws Exception {
        urgentCaller(node("node-a"), "1763900006.4");
        CallService next = node("node-a");
        assertEquals(1, next.endCallsLeftLive());
        assertEquals(0, new FallbackFolder(next, recordings.resolve("elsewhere").toString(), Duration.ofDays(7))
                .handOverLeft(), "Asterisk's folder on another host");
        Path folder = Files.createDirectories(recordings.resolve("fallback"));
        Path old = file(folder, "20261101-030012-12045550123-1763900006.4", 16_000);
        Files.setLastModifiedTime(old, FileTime.from(clock.instant().minus(Duration.ofDays(8))));

        assertEquals(0, new FallbackFolder(next, recordings.toString(), Duration.ofDays(7)).handOverLeft());
        assertEquals(1, opener.opened().size());
        next.close();
    }

    @Test
    void aFileNameGivesItsUniqueIdAsTheDialplanWritesIt() {
        assertEquals("1763900006.1", FallbackFolder.uniqueIdOf("20261123-030012-12045550123-1763900006.1"));
        assertEquals("1763900006.1", FallbackFolder.uniqueIdOf("20261123-030012--1763900006.1"), "no caller ID digits");
        for (String not : List.of("whatever", "20261123-030012-120455", "20261123-030012-1-1763900006.1-x",
                "2026-030012-1-1763900006.1")) {
            assertNull(FallbackFolder.uniqueIdOf(not), not);
        }
    }

    private static Path file(Path folder, String base, int bytes) throws Exception {
        Path f = folder.resolve(base + ".wav");
        Files.write(f, new byte[bytes]);
        return f;
    }

    private LiveCall urgentCaller(CallService node, String uid) {
        return UrgentCallers.urgentCallerAt(node, clock, uid, "+12045550123", CallStep.CALLBACK);
    }

    private CallService node(String host) {
        return UrgentCallers.node(db.transactions(), db.transactions(), clock, opener, host);
    }
}
