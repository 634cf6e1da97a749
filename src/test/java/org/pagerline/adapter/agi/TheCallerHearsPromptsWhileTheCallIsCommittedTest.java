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
        rig = LineRig.withTransactions(IN_HOURS, t -> held = new HeldCommits(t));
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
        rig = LineRig.withTransactions(IN_HOURS, t -> held = new HeldCommits(t, false)); // nobody on call: a message
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
    void anUrgentMessageThatCouldNotBeSavedAtAllIsNeverPromisedAndTheFallbackTakesTheCaller() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, t -> held = new HeldCommits(t, false));
        try (AsteriskSide line = new AsteriskSide(rig, "1763900000.33")) {
            // the message, its incident and the line saying it failed: none can be written
            line.nextUntil("RECORD FILE", held::failFromNow);
            List<String> after = line.nextUntil("EXEC Playback pagerline/trouble", () -> { });
            assertTrue(after.contains("SET VARIABLE PAGERLINE_RESULT FAILED"), "the dialplan's fallback takes over: " + after);
            assertTrue(!after.contains("SET VARIABLE PAGERLINE_RESULT VOICEMAIL"), "never said saved: " + after);
            assertTrue(after.stream().noneMatch(x -> x.contains("promise")), "nobody promised a call-back: " + after);
        }
    }

    @Test
    void theConnectionClosesWithoutWaitingForTheCallsLastLinesWhichAreWrittenAfter() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, t -> held = new HeldCommits(t, false)); // nobody on call: a message
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

        /** Answers {@code command} as Asterisk does when all is well; returns it with its arguments unquoted. */
        private String answer(String command, Runnable beforeReply) throws Exception {
            beforeReply.run();
            String reply;
            if (command.startsWith("GET VARIABLE")) {
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
