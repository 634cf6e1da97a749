package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.asteriskjava.util.SocketConnectionFacade;
import org.junit.jupiter.api.Test;

/** How long Asterisk may be silent after each command before the connection counts as dead. */
class SilenceWatchdogTest {
    private static final Duration REPLY = Duration.ofMinutes(10);

    @Test
    void aCommandsOwnLimitIsAddedAndExecHasNone() {
        try (SilenceWatchdog w = new SilenceWatchdog(Duration.ofSeconds(5), REPLY)) {
            assertEquals(SilenceWatchdog.NONE, w.replyAllowance("EXEC \"Dial\" \"PJSIP/+12045550101@trunk,25,U(x)\""),
                    "a Dial lasts as long as the call");
            assertEquals(SilenceWatchdog.NONE, w.replyAllowance("EXEC \"Queue\" \"helpdesk,,,,3600\""), "a queue wait too");
            assertEquals(REPLY.plusMinutes(3).toNanos(),
                    w.replyAllowance("RECORD FILE \"/var/spool/x\" \"wav\" \"#\" 180000 0 BEEP s=8"), "the recording's maximum on top");
            assertEquals(REPLY.plusSeconds(6).toNanos(), w.replyAllowance("GET DATA \"pagerline/priority\" 6000 1"));
            assertEquals(SilenceWatchdog.NONE, w.replyAllowance("WAIT FOR DIGIT -1"), "waiting for ever is Asterisk's to end");
            assertEquals(REPLY.toNanos(), w.replyAllowance("STREAM FILE \"pagerline/greeting\" \"\""));
            assertEquals(REPLY.toNanos(), w.replyAllowance("SET VARIABLE \"PAGERLINE_STEP\" \"urgency\""));
        }
    }

    @Test
    void aCommandIsReadWhateverItsCaseAndSpacingAndALineWithoutWordsGetsTheReplyLimit() {
        try (SilenceWatchdog w = new SilenceWatchdog(Duration.ofSeconds(5), REPLY)) {
            assertEquals(REPLY.plusSeconds(4).toNanos(), w.replyAllowance("  get \t data  \"pagerline/menu\"   4000 1\n"));
            assertEquals(SilenceWatchdog.NONE, w.replyAllowance("exec Dial PJSIP/100"));
            assertEquals(REPLY.plusSeconds(2).toNanos(), w.replyAllowance("Record File x wav # \"2000\""), "a quoted limit");
            assertEquals(REPLY.toNanos(), w.replyAllowance("RECORD FILE x"), "no limit given: the reply limit alone");
            assertEquals(REPLY.toNanos(), w.replyAllowance(" \n"));
            assertEquals(REPLY.toNanos(), w.replyAllowance("EXECUTE Dial x"), "a word that begins as EXEC is not EXEC");
            assertEquals(REPLY.toNanos(), w.replyAllowance("GET DATAS f 9000 1"), "nor one that begins as DATA");
            assertEquals(REPLY.toNanos(), w.replyAllowance("GET DATA f soon 1"), "a limit that is not a number adds nothing");
            assertEquals(SilenceWatchdog.NONE, w.replyAllowance("GET DATA f 9223372036854775807 1"),
                    "a limit too large to add is no limit, not one already past");
            assertEquals(REPLY.toNanos(), w.replyAllowance("GET DATA f"), "no limit given");
        }
    }

    @Test
    void aPeerSilentThroughADialIsLetGoOnlyAfterThreeHoursAndAPromptAfterTheReplyLimit() throws Exception {
        AtomicLong now = new AtomicLong(1_000);
        try (SilenceWatchdog w = new SilenceWatchdog(Duration.ofSeconds(5), REPLY, now::get)) {
            Line dial = new Line();
            SocketConnectionFacade c = w.watch(dial);
            c.readLine(); // agi_network: yes
            c.readLine(); // the blank line: the environment is in
            c.write("EXEC \"Dial\" \"PJSIP/+12045550101@trunk,25\"\n");
            c.flush();
            now.addAndGet(TimeUnit.HOURS.toNanos(3) - 1);
            w.sweep();
            assertFalse(dial.closed, "a Dial (or a queue wait) may last hours: the socket has no read timeout now");
            now.addAndGet(2);
            w.sweep();
            assertTrue(dial.closed, "but a peer silent for 3 hours (its host lost mid-Dial) frees the call's thread");

            Line prompt = new Line();
            SocketConnectionFacade p = w.watch(prompt);
            p.readLine();
            p.readLine();
            p.write("STREAM FILE \"pagerline/greeting\" \"\"\n");
            p.flush();
            now.addAndGet(REPLY.toNanos() + 1);
            w.sweep();
            assertTrue(prompt.closed, "a prompt's reply is late after the reply limit");
        }
    }

    /** A connection that has sent its AGI environment and is then silent; remembers being closed. */
    private static final class Line implements SocketConnectionFacade {
        final ArrayDeque<String> lines = new ArrayDeque<>(List.of("agi_network: yes", ""));
        volatile boolean closed;

        @Override
        public String readLine() {
            return lines.poll();
        }

        @Override
        public void write(String s) {
            // the command goes nowhere: the peer never answers
        }

        @Override
        public void flush() {
            // nothing buffered
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean isConnected() {
            return !closed;
        }

        @Override
        public InetAddress getLocalAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getLocalPort() {
            return 4573;
        }

        @Override
        public InetAddress getRemoteAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public int getRemotePort() {
            return 40000;
        }
    }
}
