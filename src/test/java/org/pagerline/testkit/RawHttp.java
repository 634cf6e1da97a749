package org.pagerline.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP over a plain socket, byte for byte as written: for request targets a client library would
 * normalise or refuse ({@code /health;x}, {@code /health/../twilio/sms}).
 */
public final class RawHttp {
    private RawHttp() {}

    /** Sends {@code GET target} and returns the status code of the answer (-1 if the connection closed first). */
    public static int get(int port, String target) throws IOException {
        return request(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    /** Sends {@code raw} as it is and returns the status code of the answer (-1 if the connection closed first). */
    public static int request(int port, String raw) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String status = statusLine(s.getInputStream());
            if (status == null) {
                return -1;
            }
            String[] parts = status.split(" ");
            return Integer.parseInt(parts[1]);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString().trim();
    }
}
