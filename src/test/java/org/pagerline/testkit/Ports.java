package org.pagerline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback ports for servers under test. */
public final class Ports {
    /**
     * Ports this JVM has handed out: the kernel may give a port just released again, so two calls
     * in a row (a server's HTTP and FastAGI ports) could get the same one, and the second listener
     * then fails to start ("Address already in use").
     */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {}

    /** A loopback port nobody listens on right now, and never handed out before by this JVM. */
    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no loopback port this JVM has not handed out already, in 100 tries");
    }
}
