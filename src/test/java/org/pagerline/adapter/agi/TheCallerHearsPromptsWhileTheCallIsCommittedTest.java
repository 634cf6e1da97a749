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
        try (Socket s = new Socket("127.0.0.1", rig.port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            out.write(String.join("\n", rig.asterisk.environment("+12045550123", "1763900000.31")) + "\n\n");
            out.flush();

            List<String> beforeCommit = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                beforeCommit.add(plain(answer(in, out)));
            }
            assertEquals(List.of("SET VARIABLE PAGERLINE_STEP greeting", "ANSWER", "EXEC Playback pagerline/greeting",
                    "GET VARIABLE PLAYBACKSTATUS"), beforeCommit.subList(1, 5), "answered and greeted first");
            assertTrue(beforeCommit.get(0).startsWith("SET VARIABLE PAGERLINE_NODE "), "the node's mark comes first");
            assertTrue(held.awaitHolding(), "the call's start is still waiting for its commit");
            assertTrue(rig.tickets.list(10).isEmpty(), "no ticket is committed yet");

            held.release();
            String next = plain(answer(in, out));
            long ticket = rig.tickets.list(10).get(0).id();
            assertEquals("SET VARIABLE PAGERLINE_TICKET " + ticket, next, "the ticket number once it is committed");
        }
    }

    @Test
    void anUrgentCallerHearsTheirTicketNumberWhileTheMessageIsCommittedAndThePromiseAfter() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, t -> held = new HeldCommits(t, false)); // nobody on call: a message
        try (Socket s = new Socket("127.0.0.1", rig.port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            out.write(String.join("\n", rig.asterisk.environment("+12045550123", "1763900000.32")) + "\n\n");
            out.flush();
            String c;
            do { // urgent (1), P1 (1), the caller ID confirmed (1), then the message
                c = plain(answer(in, out, held));
            } while (!c.startsWith("RECORD FILE"));

            List<String> whileCommitting = new ArrayList<>();
            do {
                c = plain(answer(in, out));
                whileCommitting.add(c);
            } while (!c.startsWith("SAY DIGITS"));
            assertTrue(held.awaitHolding(), "the voicemail and its incident are still waiting for their commit");
            assertTrue(whileCommitting.contains("EXEC Playback pagerline/your-ticket"), whileCommitting.toString());
            assertTrue(rig.incidents.opened().isEmpty(), "no incident is committed yet");
            s.setSoTimeout(500);
            try {
                fail("the promise came before the message was committed: " + in.readLine());
            } catch (SocketTimeoutException expected) {
                s.setSoTimeout(10_000); // silent while held, as it should be
            }

            held.release();
            String next = plain(answer(in, out));
            assertEquals("SET VARIABLE PAGERLINE_RESULT VOICEMAIL", next, "the result once the incident is committed");
            assertEquals("EXEC Playback pagerline/promise-30-minutes", plain(answer(in, out)), "and then the promise");
            assertTrue(whileCommitting.stream().noneMatch(x -> x.contains("PAGERLINE_RESULT")), whileCommitting.toString());
            assertEquals(1, rig.incidents.opened().size(), "the message opened its incident");
        }
    }

    @Test
    void anUrgentMessageThatCouldNotBeSavedAtAllIsNeverPromisedAndTheFallbackTakesTheCaller() throws Exception {
        rig = LineRig.withTransactions(IN_HOURS, t -> held = new HeldCommits(t, false));
        try (Socket s = new Socket("127.0.0.1", rig.port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            out.write(String.join("\n", rig.asterisk.environment("+12045550123", "1763900000.33")) + "\n\n");
            out.flush();
            List<String> after = new ArrayList<>();
            boolean recorded = false;
            String c;
            while ((c = in.readLine()) != null) {
                if (c.startsWith("RECORD FILE")) {
                    held.failFromNow(); // the message, its incident and the line saying it failed: none can be written
                    recorded = true;
                }
                if (recorded) {
                    after.add(plain(c));
                }
                out.write((c.startsWith("GET VARIABLE") ? "200 result=1 (SUCCESS)" : c.startsWith("GET DATA") ? "200 result=1"
                        : c.startsWith("RECORD FILE") ? "200 result=35 (dtmf) endpos=40000" : "200 result=0") + "\n");
                out.flush();
                if (c.contains("HANGUP") || after.contains("EXEC Playback pagerline/trouble")) {
                    break;
                }
            }
            assertTrue(after.contains("SET VARIABLE PAGERLINE_RESULT FAILED"), "the dialplan's fallback takes over: " + after);
            assertTrue(!after.contains("SET VARIABLE PAGERLINE_RESULT VOICEMAIL"), "never said saved: " + after);
            assertTrue(after.stream().noneMatch(x -> x.contains("promise")), "nobody promised a call-back: " + after);
        }
    }

    /** {@link #answer}, holding the commits from the recording's end on (armed before its reply goes). */
    private static String answer(BufferedReader in, Writer out, HeldCommits held) throws Exception {
        return answer(in, out, command -> {
            if (command.startsWith("RECORD FILE")) {
                held.arm();
            }
        });
    }

    /** Reads one command and replies as Asterisk does when all is well. */
    private static String answer(BufferedReader in, Writer out) throws Exception {
        return answer(in, out, command -> { });
    }

    private static String answer(BufferedReader in, Writer out, java.util.function.Consumer<String> beforeReply)
            throws Exception {
        String command = in.readLine();
        if (command == null) {
            throw new AssertionError("pagerline closed the connection");
        }
        beforeReply.accept(command);
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
        return command;
    }

    /** asterisk-java quotes arguments; the checks compare the words. */
    private static String plain(String command) {
        return command.replace("\"", "").trim();
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
