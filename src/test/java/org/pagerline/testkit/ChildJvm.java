package org.pagerline.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts a child JVM on the test's own class path (a real server, a CLI run,
 * a load harness that a test kills). Child JVMs live for seconds, so they run with the JVM flags
 * of the test JVM itself (pom.xml's {@code test.jvm.flags}, handed over as the system property
 * {@value #FLAGS}; by default the client compiler only and the serial collector): on a 2-core
 * machine this halves the CPU a start-up costs (about 2 s to 1 s of CPU for
 * {@code pagerline tech list}) and changes nothing they do.
 */
public final class ChildJvm {
    static final String FLAGS = "pagerline.test.jvm-flags";

    private ChildJvm() {}

    /** {@code java -Xmx<maxHeap> <flags> -cp <class path>}: add the main class and its arguments. */
    public static List<String> java(String maxHeap) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap));
        for (String flag : System.getProperty(FLAGS, "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return cmd;
    }
}
