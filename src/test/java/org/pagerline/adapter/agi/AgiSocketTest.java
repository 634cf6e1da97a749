package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.asteriskjava.util.SocketConnectionFacade;
import org.asteriskjava.util.internal.streamreader.FastScannerNl;
import org.junit.jupiter.api.Test;

/** pagerline's FastAGI connection reads the lines asterisk-java's own would, and writes what it is given. */
class AgiSocketTest {

    @Test
    void everyLineIsReadAsAsteriskJavasOwnReaderReadsItHoweverTheBytesArrive() throws IOException {
        Random random = new Random(20261206);
        for (int round = 0; round < 300; round++) {
            String text = randomAgiText(random);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<String> expected = asteriskJavaLines(new Chunked(bytes, random.nextLong()));
            List<String> actual = ourLines(new Chunked(bytes, random.nextLong()));
            assertEquals(expected, actual, "round " + round + ", text " + text.replace("\n", "\\n"));
        }
    }

    @Test
    void aLineLongerThanTheBufferIsReadWholeAndTheNextAfterIt() throws IOException {
        String request = "agi_request: agi://127.0.0.1/support-line?" + "x".repeat(3 * AgiSocket.READ_BUFFER) + "é";
        AgiSocket.LineReader r = new AgiSocket.LineReader(new Chunked(
                (request + "\nagi_channel: PJSIP/trunk-1\n\n200 result=1\n").getBytes(StandardCharsets.UTF_8), 7));
        assertEquals(request, r.readLine());
        assertEquals("agi_channel: PJSIP/trunk-1", r.readLine());
        assertEquals("", r.readLine(), "the blank line that ends the environment is a line");
        assertEquals("200 result=1", r.readLine());
        assertNull(r.readLine(), "the peer closed");
        assertNull(r.readLine(), "and stays closed");
    }

    @Test
    void aLeadingEmptyLineIsSkippedAndTheLineAfterItReadWhole() throws IOException {
        AgiSocket.LineReader r = new AgiSocket.LineReader(new Chunked(
                "\nagi_network: yes\n\n".getBytes(StandardCharsets.UTF_8), 3));
        assertEquals("agi_network: yes", r.readLine());
        assertEquals("", r.readLine(), "an empty line later is a line");
        assertNull(r.readLine());
    }

    @Test
    void aConnectionWritesAtFlushAndReadsTheRepliesOverARealSocket() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket asterisk = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
            SocketConnectionFacade pagerline = new AgiSocket(listener.accept());
            try {
                asterisk.getOutputStream().write("agi_network: yes\nagi_callerid: Zoë\n\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("agi_network: yes", pagerline.readLine());
                assertEquals("agi_callerid: Zoë", pagerline.readLine());
                assertEquals("", pagerline.readLine());
                pagerline.write("SET VARIABLE \"PAGERLINE_NOTE\" \"Zoë\"");
                pagerline.write("\n");
                pagerline.flush();
                byte[] expected = "SET VARIABLE \"PAGERLINE_NOTE\" \"Zoë\"\n".getBytes(StandardCharsets.UTF_8);
                assertEquals(new String(expected, StandardCharsets.UTF_8),
                        new String(asterisk.getInputStream().readNBytes(expected.length), StandardCharsets.UTF_8));
                asterisk.getOutputStream().write("200 result=1\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("200 result=1", pagerline.readLine());
                asterisk.shutdownOutput();
                assertNull(pagerline.readLine(), "a hang-up: the peer closed");
                assertEquals(asterisk.getLocalPort(), pagerline.getRemotePort());
            } finally {
                pagerline.close();
            }
            assertEquals(-1, asterisk.getInputStream().read(), "closed on our side too");
        }
    }

    /** Lines as AGI has them: environment lines, replies, blank lines, a \r, non-ASCII, now and then a long one. */
    private static String randomAgiText(Random random) {
        // never an empty line first: asterisk-java skips it, and its line after it is cut wherever
        // the first read ended (aLeadingEmptyLineIsSkippedAndTheLineAfterItReadWhole)
        StringBuilder b = new StringBuilder();
        int lines = random.nextInt(12);
        String[] words = {"agi_network: yes", "200 result=1", "200 result=0 endpos=160", "", "520-Invalid command syntax",
            "agi_callerid: Zoë Ødegård", "agi_calleridname: 株式会社", "HANGUP", "200 result=-1\r", "x"};
        for (int i = 0; i < lines; i++) {
            if (random.nextInt(15) == 0) {
                b.append("agi_request: ").append("y".repeat(random.nextInt(3 * AgiSocket.READ_BUFFER)));
            } else {
                String word = words[random.nextInt(words.length)];
                b.append(word.isEmpty() && i == 0 ? "200 result=0" : word);
            }
            b.append('\n');
        }
        if (random.nextBoolean()) {
            b.append(words[random.nextInt(words.length)]); // the peer closes mid-line
        }
        return b.toString();
    }

    private static List<String> asteriskJavaLines(InputStream in) throws IOException {
        FastScannerNl scanner = new FastScannerNl(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line = scanner.next(); line != null; line = scanner.next()) {
            lines.add(line);
        }
        return lines;
    }

    private static List<String> ourLines(InputStream in) throws IOException {
        AgiSocket.LineReader r = new AgiSocket.LineReader(in);
        List<String> lines = new ArrayList<>();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    /** A stream that hands its bytes out a random few at a time, as TCP segments may arrive. */
    private static final class Chunked extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int at;

        Chunked(byte[] bytes, long seed) {
            this.bytes = bytes;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(40)), bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }
}
