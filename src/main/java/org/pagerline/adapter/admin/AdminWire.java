package org.pagerline.adapter.admin;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin socket's protocol, one request and one answer per connection. Lines end in LF;
 * every argument and every piece of output is sent with its byte length, so anything can be in it.
 *
 * <pre>
 * client: PAGERLINE-ADMIN 1          server: OUT &lt;n&gt;  then n bytes of standard output
 *         TOKEN &lt;token&gt;                    ERR &lt;n&gt;  then n bytes of standard error (any number, any order)
 *         ARGS &lt;count&gt;                     EXIT &lt;status&gt;
 *         &lt;n&gt; then n bytes, per argument
 * </pre>
 */
final class AdminWire {
    static final String HELLO = "PAGERLINE-ADMIN 1";
    static final int MAX_LINE = 256;
    static final int MAX_ARGS = 512;
    static final int MAX_REQUEST_BYTES = 1 << 20;

    private AdminWire() {}

    record Request(String token, List<String> args) {}

    static void writeRequest(OutputStream out, String token, List<String> args) throws IOException {
        // No string +: the command line's side stays clear of the invokedynamic bootstrap (startup time).
        line(out, HELLO);
        line(out, "TOKEN ".concat(token));
        line(out, "ARGS ".concat(Integer.toString(args.size())));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            line(out, Integer.toString(b.length));
            out.write(b);
        }
        out.flush();
    }

    private static void line(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    /** Reads a request; an IOException for anything that is not one (nothing is run then). */
    static Request readRequest(InputStream in) throws IOException {
        if (!HELLO.equals(readLine(in))) {
            throw new IOException("not a pagerline admin request");
        }
        String tokenLine = readLine(in);
        if (!tokenLine.startsWith("TOKEN ")) {
            throw new IOException("no TOKEN line");
        }
        String argsLine = readLine(in);
        if (!argsLine.startsWith("ARGS ")) {
            throw new IOException("no ARGS line");
        }
        int n = number(argsLine.substring(5), MAX_ARGS);
        List<String> args = new ArrayList<>(n);
        int total = 0;
        for (int i = 0; i < n; i++) {
            int len = number(readLine(in), MAX_REQUEST_BYTES - total);
            total += len;
            args.add(new String(in.readNBytes(len), StandardCharsets.UTF_8));
            if (args.get(i).getBytes(StandardCharsets.UTF_8).length != len) {
                throw new EOFException("argument cut short");
            }
        }
        return new Request(tokenLine.substring(6), args);
    }

    static void writeFrame(OutputStream out, String kind, byte[] bytes) throws IOException {
        line(out, kind.concat(" ").concat(Integer.toString(bytes.length)));
        out.write(bytes);
    }

    static void writeExit(OutputStream out, int status) throws IOException {
        line(out, "EXIT ".concat(Integer.toString(status)));
        out.flush();
    }

    /** One line of the answer: its kind (OUT, ERR, EXIT) and its bytes or status. */
    record Frame(String kind, byte[] bytes, int status) {}

    static Frame readFrame(InputStream in) throws IOException {
        String line = readLine(in);
        int sp = line.indexOf(' ');
        if (sp < 0) {
            throw new IOException("bad answer line");
        }
        String kind = line.substring(0, sp);
        return switch (kind) {
            case "OUT", "ERR" -> {
                int len = number(line.substring(sp + 1), Integer.MAX_VALUE);
                byte[] b = in.readNBytes(len);
                if (b.length != len) {
                    throw new EOFException("output cut short");
                }
                yield new Frame(kind, b, 0);
            }
            case "EXIT" -> new Frame(kind, null, number(line.substring(sp + 1), 255));
            default -> throw new IOException("bad answer line");
        };
    }

    private static int number(String s, int max) throws IOException {
        try {
            int n = Integer.parseInt(s);
            if (n < 0 || n > max) {
                throw new IOException("number out of range: " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("not a number");
        }
    }

    /** A line of at most MAX_LINE bytes, without its LF; EOFException at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_LINE];
        int n = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c == '\n') {
                return new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            if (n == MAX_LINE) {
                throw new IOException("line too long");
            }
            buf[n++] = (byte) c;
        }
    }
}
