package org.pagerline.adapter.agi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.asteriskjava.util.ServerSocketFacade;
import org.asteriskjava.util.SocketConnectionFacade;

/**
 * One FastAGI connection, read and written a line at a time with buffers sized for AGI's lines.
 *
 * <p>asterisk-java's own connection decodes through a {@code Reader} and encodes through a
 * {@code BufferedWriter}: about 50 KB of buffers a connection (8,192 chars to scan lines, 8,192
 * bytes behind them, the same again to write), for lines of a few dozen bytes. At 500 callers each
 * lives as long as its call, longer than the time between young collections, so it was copied and
 * often promoted (288 MB of the benchmark's heap were such char arrays in one look). Here a
 * connection holds 512 bytes to read and a line's bytes to write.
 *
 * <p>What asterisk-java's reader returns, this returns: each line without its {@code \n} (a
 * {@code \r} before it stays), decoded as UTF-8; the last line unterminated when the peer closes
 * after it; null once the peer has closed and every line has been read; an empty line at the very
 * start is skipped. The socket has no read timeout ({@link SilenceWatchdog} ends silences), so a
 * read is one blocking system call.
 */
final class AgiSocket implements SocketConnectionFacade {
    /** Enough for any reply and most environment lines; a longer line grows its own buffer. */
    static final int READ_BUFFER = 512;

    private final Socket socket;
    private final LineReader lines;
    private final OutputStream out;
    /** What was written since the last flush. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    AgiSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(0);
        this.lines = new LineReader(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    @Override
    public String readLine() throws IOException {
        return lines.readLine();
    }

    @Override
    public void write(String s) throws IOException {
        pending.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void flush() throws IOException {
        if (pending.size() > 0) {
            try {
                pending.writeTo(out);
            } finally {
                pending.reset();
            }
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public boolean isConnected() {
        return socket.isConnected();
    }

    @Override
    public InetAddress getLocalAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return socket.getLocalPort();
    }

    @Override
    public InetAddress getRemoteAddress() {
        return socket.getInetAddress();
    }

    @Override
    public int getRemotePort() {
        return socket.getPort();
    }

    /** AGI's lines from a stream, as asterisk-java's reader splits them (see the class's comment). */
    static final class LineReader {
        private final InputStream in;
        private final byte[] buf = new byte[READ_BUFFER];
        private int start;
        private int end;
        private boolean eof;
        private boolean first = true;
        /** The bytes of a line longer than what {@link #buf} held, gathered; empty when none. */
        private final ByteArrayOutputStream longLine = new ByteArrayOutputStream(0);

        LineReader(InputStream in) {
            this.in = in;
        }

        String readLine() throws IOException {
            String line = nextLine();
            if (first) {
                first = false;
                if (line != null && line.isEmpty()) {
                    line = nextLine();
                }
            }
            return line;
        }

        private String nextLine() throws IOException {
            while (true) {
                for (int i = start; i < end; i++) {
                    if (buf[i] == '\n') {
                        String line = take(i);
                        start = i + 1;
                        return line;
                    }
                }
                if (eof) {
                    if (start == end && longLine.size() == 0) {
                        return null;
                    }
                    String last = take(end);
                    start = end;
                    return last;
                }
                fill();
            }
        }

        /** The line from {@link #start} to {@code stop}, after what {@link #longLine} gathered. */
        private String take(int stop) {
            if (longLine.size() == 0) {
                return new String(buf, start, stop - start, StandardCharsets.UTF_8);
            }
            gather(stop);
            String line = longLine.toString(StandardCharsets.UTF_8);
            longLine.reset();
            return line;
        }

        private void gather(int stop) {
            longLine.write(buf, start, stop - start);
            start = stop;
        }

        /** Reads more: what is left of a line moves to the front, or aside when it fills the buffer. */
        private void fill() throws IOException {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            } else if (end == buf.length) {
                gather(end);
                start = 0;
                end = 0;
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    /** The listening socket, handing out {@link AgiSocket}s (asterisk-java's backlog: 200). */
    static final class Server implements ServerSocketFacade {
        private final ServerSocket socket;

        Server(InetAddress bind, int port) throws IOException {
            socket = new ServerSocket(port, 200, bind);
        }

        @Override
        public SocketConnectionFacade accept() throws IOException {
            Socket s = socket.accept();
            try {
                return new AgiSocket(s);
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public void setSocketReadTimeout(int timeout) {
            // none: silences are the watchdog's (SilenceWatchdog)
        }
    }
}
