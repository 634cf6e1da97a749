package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.service.Stores;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.LineRig;

/**
 * The caller hears prompts while the database commits what the call needs, instead of silence:
 * the greeting while their ticket is written (only the ticket number waits for it), and their
 * ticket number while an urgent message and its incident are written (only the call-back promise
 * waits for them).
 */
class TheCallerHearsPromptsWhileTheCallIsCommittedTest {
    static final String IN_HOURS = "2026-11-23T10:00:00-06:00";
    /** The line's settings for the tests that hold a commit as long as they like: no hold prompt. */
    static final Map<String, String> PATIENT = Map.of("line.hold-after", "30s", "line.wait-limit", "2m");
    /** The line's settings for the tests of a commit that takes too long: the hold prompt soon, given up on soon after. */
    static final Map<String, String> IMPATIENT = Map.of("line.hold-after", "200ms", "line.wait-limit", "4s");
    private LineRig rig;
    private HeldCommits held;

    @AfterEach
    void tearDown() {
        if (held != null) {
            held.release();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void theGreetingPlaysBeforeTheStartIsCommittedAndTheTicketNumberAfter() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, PATIENT, t -> held = new HeldCommits(t));
        rig.primary("Alice Tech", "+12045550100");
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.31")) {
            List<String> beforeCommit = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                beforeCommit.add(line.next());
            }
            assertEquals(List.of("SET VARIABLE PAGERLINE_STEP greeting", "ANSWER", "EXEC Playback pagerline/greeting",
                    "GET VARIABLE PLAYBACKSTATUS"), beforeCommit.subList(1, 5), "answered and greeted first");
            assertTrue(beforeCommit.get(0).startsWith("SET VARIABLE PAGERLINE_NODE "), "the node's mark comes first");
            assertTrue(held.awaitHolding(), "the call's start is still waiting for its commit");
            assertTrue(rig.tickets.list(10).isEmpty(), "no ticket is committed yet");

            held.release();
            String next = line.next();
            long ticket = rig.tickets.list(10).get(0).id();
            assertEquals("SET VARIABLE PAGERLINE_TICKET " + ticket, next, "the ticket number once it is committed");
        }
    }

    @Test
    void anUrgentCallerHearsTheirTicketNumberWhileTheMessageIsCommittedAndThePromiseAfter() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, PATIENT, t -> held = new HeldCommits(t, false)); // nobody on call: a message
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.32")) {
            // urgent (1), P1 (1), the caller ID confirmed (1), then the message; held from its end on
            line.nextUntil("RECORD FILE", held::arm);
            List<String> whileCommitting = line.nextUntil("SAY DIGITS", () -> { });
            assertTrue(held.awaitHolding(), "the voicemail and its incident are still waiting for their commit");
            assertTrue(whileCommitting.contains("EXEC Playback pagerline/your-ticket"), whileCommitting.toString());
            assertTrue(rig.incidents.opened().isEmpty(), "no incident is committed yet");
            line.assertSilentFor(500, "the promise came before the message was committed");

            held.release();
            assertEquals("SET VARIABLE PAGERLINE_RESULT VOICEMAIL", line.next(), "the result once the incident is committed");
            assertEquals("EXEC Playback pagerline/promise-30-minutes", line.next(), "and then the promise");
            assertTrue(whileCommitting.stream().noneMatch(x -> x.contains("PAGERLINE_RESULT")), whileCommitting.toString());
            assertEquals(1, rig.incidents.opened().size(), "the message opened its incident");
        }
    }

    @Test
    void anUrgentMessageThatCouldNotBeSavedAtAllIsNeverPromisedAndTheCallerIsPagedWithItOnceTheDatabaseIsBack()
            throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, PATIENT, t -> held = new HeldCommits(t, false));
        String recording;
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.33")) {
            // the message, its incident and the line saying it failed: none can be written
            List<String> upTo = line.nextUntil("RECORD FILE", held::failFromNow);
            recording = upTo.get(upTo.size() - 1);
            // the database is back as the caller hears the trouble prompt (the script's last save comes after it)
            List<String> after = line.nextUntil("EXEC Playback pagerline/trouble", held::backFromNow);
            assertTrue(after.contains("SET VARIABLE PAGERLINE_RESULT FAILED"), "the dialplan's fallback takes over: " + after);
            assertTrue(!after.contains("SET VARIABLE PAGERLINE_RESULT VOICEMAIL"), "never said saved: " + after);
            assertTrue(after.stream().noneMatch(x -> x.contains("promise")), "nobody promised a call-back: " + after);
            line.untilClosed();
        }
        rig.awaitSaved();
        assertEquals(1, rig.incidents.opened().size(), "the caller is paged");
        String file = rig.incidents.opened().get(0).recording();
        assertTrue(file != null && recording.contains("RECORD FILE " + file + " "), "with the message they left: " + file);
        assertEquals(org.pagerline.core.call.CallOutcome.FAILED, outcome("1763900000.33"), "the call failed, not ended with a message");
        long ticket = rig.tickets.list(10).get(0).id();
        assertTrue(kinds(ticket).contains("CALL_FAILED"), kinds(ticket).toString());
    }

    @Test
    void theConnectionClosesWithoutWaitingForTheCallsLastLinesWhichAreWrittenAfter() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, PATIENT, t -> held = new HeldCommits(t, false)); // nobody on call: a message
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.34")) {
            // the message and its incident are committed; what the call gathers after them is held
            line.nextUntil("EXEC Playback pagerline/promise-30-minutes", held::arm);
            line.untilClosed(); // within the socket's 10 s: before, the connection stayed open until the commit
            assertTrue(held.awaitHolding(), "the call's last lines are still waiting for their commit");
            long ticket = rig.tickets.list(10).get(0).id();
            assertTrue(rig.tickets.show(ticket).events().stream().noneMatch(e -> e.kind().equals("TOLD")),
                    "the call's last line (the promise read out) is not committed yet");

            held.release();
            rig.awaitSaved();
            assertTrue(rig.tickets.show(ticket).events().stream().anyMatch(e -> e.kind().equals("TOLD")),
                    "the call's last line, written after the connection closed");
        }
    }

    @Test
    void aCallerWhoseStartIsNotWrittenHearsOneMomentThenTheFallbackTakesThemAndTheCallEndsWhenItLands() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, IMPATIENT, t -> held = new HeldCommits(t));
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.41")) {
            line.nextUntil("GET VARIABLE PLAYBACKSTATUS", () -> { }); // the greeting played
            assertTrue(held.awaitHolding(), "the call's start is still waiting for its commit");
            List<String> meanwhile = line.untilClosed();
            assertEquals("EXEC Playback pagerline/one-moment", meanwhile.get(0), "held, not silent: " + meanwhile);
            int failed = meanwhile.indexOf("SET VARIABLE PAGERLINE_RESULT FAILED");
            assertTrue(failed > 0, "at the wait limit the dialplan's fallback takes the caller: " + meanwhile);
            assertEquals("EXEC Playback pagerline/trouble", meanwhile.get(failed + 1), "and the caller is told: " + meanwhile);
            assertTrue(meanwhile.stream().noneMatch(c -> c.contains("PAGERLINE_TICKET")), "no ticket was read out: " + meanwhile);
            assertEquals(List.of("start:fallback"), List.copyOf(rig.holds), "counted as a caller held and given up on");
            assertTrue(rig.tickets.list(10).isEmpty(), "the start is still not written");
        }
        held.release();
        rig.awaitSaved(); // with what the start's completion handed in: the call's end
        long ticket = rig.tickets.list(10).get(0).id();
        assertEquals(List.of("CALL_STARTED", "CALL_FAILED"), kinds(ticket), "the call, ended once its start landed");
        assertTrue(detail(ticket, "CALL_FAILED").contains("gave up waiting: the call's start"), detail(ticket, "CALL_FAILED"));
        assertEquals(org.pagerline.core.call.CallOutcome.FAILED, outcome("1763900000.41"), "not left live for the cut-off sweep");
    }

    @Test
    void aStartWrittenWhileTheCallerIsHeldGoesOnToTheMenu() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, Map.of("line.hold-after", "200ms", "line.wait-limit", "2m"),
                t -> held = new HeldCommits(t));
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.42")) {
            line.nextUntil("GET VARIABLE PLAYBACKSTATUS", () -> { });
            assertEquals("EXEC Playback pagerline/one-moment", line.next(), "held, not silent");
            held.release();
            List<String> after = line.nextUntil("GET DATA pagerline/urgent-or-not", () -> { });
            long ticket = rig.tickets.list(10).get(0).id();
            assertTrue(after.contains("SET VARIABLE PAGERLINE_TICKET " + ticket), after.toString());
            assertEquals(List.of("start:served"), List.copyOf(rig.holds));
        }
    }

    @Test
    void aCallerWhoHangsUpWhileHeldHasTheHangUpOnTheirTicketWhenTheStartLands() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, IMPATIENT, t -> held = new HeldCommits(t));
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.43")) {
            line.nextUntil("GET VARIABLE PLAYBACKSTATUS", () -> { });
            line.hangUpAt("EXEC Playback pagerline/one-moment");
            List<String> after = line.untilClosed(); // within the wait limit, not when the database answers
            assertTrue(after.stream().noneMatch(c -> c.contains("PAGERLINE_RESULT")), after.toString());
        }
        assertTrue(rig.tickets.list(10).isEmpty(), "the start is still not written");
        held.release();
        rig.awaitSaved(); // with what the start's completion handed in: the call's end
        long ticket = rig.tickets.list(10).get(0).id();
        assertEquals(List.of("CALL_STARTED", "HUNG_UP"), kinds(ticket));
        assertEquals(org.pagerline.core.call.CallOutcome.HUNG_UP, outcome("1763900000.43"));
    }

    @Test
    void anUrgentMessageNotWrittenInTimeSendsTheCallerToTheFallbackAndStillOpensItsIncidentWhenItLands() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, IMPATIENT, t -> held = new HeldCommits(t, false)); // nobody on call: a message
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.44")) {
            line.nextUntil("RECORD FILE", held::arm);
            List<String> after = line.untilClosed();
            int number = after.indexOf("EXEC Playback pagerline/your-ticket");
            int holding = after.indexOf("EXEC Playback pagerline/one-moment");
            int failed = after.indexOf("SET VARIABLE PAGERLINE_RESULT FAILED");
            assertTrue(number >= 0 && holding > number && failed > holding, "their ticket number, held, then the fallback: " + after);
            assertTrue(after.stream().noneMatch(c -> c.contains("promise") || c.contains("RESULT VOICEMAIL")),
                    "nobody promised a call-back the line could not vouch for: " + after);
            // (its start was not held: a slow one, past the 200 ms, counts as start:served)
            assertEquals(List.of("message:fallback"), rig.holds.stream().filter(h -> h.startsWith("message:")).toList());
            assertTrue(rig.incidents.opened().isEmpty(), "the message and its incident are still not written");
        }
        held.release();
        rig.awaitSaved();
        assertEquals(1, rig.incidents.opened().size(), "the message opened its incident once it landed");
        long ticket = rig.tickets.list(10).get(0).id();
        assertTrue(detail(ticket, "GAVE_UP_WAITING").contains("line.wait-limit"), kinds(ticket).toString());
        assertEquals(org.pagerline.core.call.CallOutcome.URGENT_VOICEMAIL, outcome("1763900000.44"), "it ended with its message");
    }

    @Test
    void anUrgentCallerFailedBeforeTheirMessageReachesTheFallbackWithoutWaitingForTheirPage() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, PATIENT, t -> held = new HeldCommits(t, false)); // nobody on call
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.45")) {
            // urgent (1), P1 (1); then Asterisk refuses the call-back question: a fault, with every commit held
            line.failAt("GET DATA pagerline/callback-confirm");
            List<String> after = line.nextUntil("GET DATA pagerline/callback-confirm", held::arm);
            after = line.untilClosed(); // within the socket's 10 s: not when the page's commit is let go
            assertTrue(after.contains("SET VARIABLE PAGERLINE_RESULT FAILED"), after.toString());
            assertTrue(held.awaitHolding(), "the page is still waiting for its commit");
            assertTrue(rig.incidents.opened().isEmpty(), "not paged yet");
        }
        held.release();
        rig.awaitSaved();
        assertEquals(1, rig.incidents.opened().size(), "paged once its commit was let go");
        long ticket = rig.tickets.list(10).get(0).id();
        assertTrue(rig.tickets.show(ticket).events().stream().anyMatch(e -> e.kind().equals("URGENT_FAILED")));
        assertEquals(org.pagerline.core.call.CallOutcome.FAILED, outcome("1763900000.45"));
    }

    private List<String> kinds(long ticket) {
        return rig.tickets.show(ticket).events().stream().map(e -> e.kind())
                .filter(k -> k.startsWith("CALL_") || k.equals("HUNG_UP") || k.equals("GAVE_UP_WAITING")).toList();
    }

    private String detail(long ticket, String kind) {
        return rig.tickets.show(ticket).events().stream().filter(e -> e.kind().equals(kind)).map(e -> e.detail())
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " on ticket " + ticket + ": " + kinds(ticket)));
    }

    private org.pagerline.core.call.CallOutcome outcome(String uniqueId) {
        return rig.tx.inTransaction(s -> s.calls().findByUniqueId(uniqueId)).orElseThrow().outcome();
    }

    /** Asterisk's side of one call over FastAGI: every command answered as when all is well, the caller pressing 1. */
    private static final class AsteriskSide implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final Writer out;

        AsteriskSide(LineRig rig, String uniqueId) throws Exception {
            socket = new Socket("127.0.0.1", rig.port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            out.write(String.join("\n", rig.asterisk.environment("+12045550123", uniqueId)) + "\n\n");
            out.flush();
        }

        /** The next command (its arguments unquoted), answered. */
        String next() throws Exception {
            return next(() -> { });
        }

        /** The next command, with {@code beforeReply} run before it is answered. */
        private String next(Runnable beforeReply) throws Exception {
            String command = in.readLine();
            if (command == null) {
                throw new AssertionError("pagerline closed the connection");
            }
            return answer(command, beforeReply);
        }

        /** Commands answered up to the first that starts with {@code prefix} (included); {@code beforeItsReply} runs before that one's reply. */
        List<String> nextUntil(String prefix, Runnable beforeItsReply) throws Exception {
            List<String> seen = new ArrayList<>();
            while (true) {
                String c = in.readLine();
                if (c == null) {
                    throw new AssertionError("pagerline closed the connection before " + prefix + ": " + seen);
                }
                String plain = c.replace("\"", "").trim();
                boolean last = plain.startsWith(prefix);
                seen.add(answer(c, last ? beforeItsReply : () -> { }));
                if (last) {
                    return seen;
                }
            }
        }

        /** Commands answered until pagerline closes the connection (a read timing out fails). */
        List<String> untilClosed() throws Exception {
            List<String> seen = new ArrayList<>();
            for (String c = in.readLine(); c != null; c = in.readLine()) {
                seen.add(answer(c, () -> { }));
            }
            return seen;
        }

        /** From the command that starts with {@code prefix} on, the caller has hung up. */
        void hangUpAt(String prefix) {
            hangUpAt = prefix;
        }

        /** The command that starts with {@code prefix} is refused, as Asterisk refuses one it does not know. */
        void failAt(String prefix) {
            failAt = prefix;
        }

        private String hangUpAt;
        private String failAt;
        private boolean hungUp;

        /** Answers {@code command} as Asterisk does when all is well; returns it with its arguments unquoted. */
        private String answer(String command, Runnable beforeReply) throws Exception {
            beforeReply.run();
            String reply;
            hungUp |= hangUpAt != null && command.replace("\"", "").trim().startsWith(hangUpAt);
            boolean refused = failAt != null && command.replace("\"", "").trim().startsWith(failAt);
            if (refused) {
                failAt = null;
                reply = "510 Invalid or unknown command";
            } else if (hungUp) {
                reply = "200 result=-1";
            } else if (command.startsWith("GET VARIABLE")) {
                reply = "200 result=1 (SUCCESS)";
            } else if (command.startsWith("GET DATA")) {
                reply = "200 result=1"; // the caller presses 1
            } else if (command.startsWith("RECORD FILE")) {
                reply = "200 result=35 (dtmf) endpos=40000"; // five seconds, ended with #
            } else {
                reply = "200 result=0";
            }
            out.write(reply + "\n");
            out.flush();
            return command.replace("\"", "").trim(); // asterisk-java quotes arguments; the checks compare the words
        }

        /** Nothing comes from pagerline for {@code millis}. */
        void assertSilentFor(int millis, String otherwise) throws Exception {
            socket.setSoTimeout(millis);
            try {
                fail(otherwise + ": " + in.readLine());
            } catch (SocketTimeoutException expected) {
                socket.setSoTimeout(10_000);
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    /** The database's transactions, with the journal's commits held back until {@link #release}. */
    private static final class HeldCommits implements Transactions {
        private final Transactions inner;
        private final CountDownLatch released = new CountDownLatch(1);
        private final CountDownLatch holding = new CountDownLatch(1);
        private final AtomicInteger held = new AtomicInteger();
        private volatile boolean armed;

        /** Holds every commit from the start. */
        HeldCommits(Transactions inner) {
            this(inner, true);
        }

        HeldCommits(Transactions inner, boolean armed) {
            this.inner = inner;
            this.armed = armed;
        }

        /** Holds the commits from now on. */
        void arm() {
            armed = true;
        }

        /** From now on every commit fails, as with the database gone. */
        private volatile boolean failing;

        void failFromNow() {
            failing = true;
        }

        /** The database is back: commits go through again. */
        void backFromNow() {
            failing = false;
        }

        @Override
        public <T> T inTransaction(Function<Stores, T> work) {
            return inner.inTransaction(work);
        }

        @Override
        public <T> T inTransactionRetryingConflicts(Function<Stores, T> work) {
            return inner.inTransactionRetryingConflicts(work);
        }

        @Override
        public List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces) {
            if (failing) {
                IllegalStateException gone = new IllegalStateException("the database is gone");
                return pieces.stream().map(p -> new Result(null, gone)).toList();
            }
            if (!armed) {
                return inner.inOneCommit(pieces);
            }
            held.incrementAndGet();
            holding.countDown();
            try {
                if (!released.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the commit");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return inner.inOneCommit(pieces);
        }

        boolean awaitHolding() throws InterruptedException {
            return holding.await(10, TimeUnit.SECONDS) && held.get() > 0;
        }

        void release() {
            released.countDown();
        }
    }
}
