package org.pagerline.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code .ci/run} reports exactly what Maven reported, whether the Asterisk labs came up or could not
 * run on this CPU, and takes each of its three labs down once. The script runs as it is, in a copy of the checkout's layout where {@code mvn},
 * {@code scripts/postgres-for-tests} and {@code scripts/asterisk-lab} are stand-ins: its clean-up on
 * exit once turned a green Maven run into exit status 1 (a grep that found nothing, under set -e).
 */
class CiScriptExitStatusTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "maven exits {0}, lab says ''{1}'' -> run exits {0}")
  @CsvSource({
    "0, lab is up",
    "0, Asterisk cannot run here (SIGILL)",
    "1, lab is up",
    "1, Asterisk cannot run here (SIGILL)",
    "7, lab is up",
  })
  void theRunExitsWithMavensStatusAndTakesTheLabsDown(int mavenStatus, String labSays) throws Exception {
    Path checkout = tmp.resolve("checkout");
    Path ci = Files.createDirectories(checkout.resolve(".ci"));
    Files.copy(Path.of(".ci/run"), ci.resolve("run"));
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    executable(bin.resolve("mvn"), "[ \"$2\" = verify ] || { echo 'Apache Maven (stand-in)'; exit 0; }\nexit "
        + mavenStatus);
    executable(checkout.resolve("scripts/postgres-for-tests"), "echo jdbc:postgresql://127.0.0.1:5432/x");
    Path downs = tmp.resolve("lab-downs");
    executable(checkout.resolve("scripts/asterisk-lab"),
        "if [ \"$1\" = up ]; then echo '" + labSays + "'; else echo \"$1 $(basename \"$2\")\" >> " + downs + "; fi");
    executable(tmp.resolve("shared/asterisk/setup"), "exit 0");

    ProcessBuilder pb = new ProcessBuilder("bash", ".ci/run").directory(checkout.toFile())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("CI");
    Process run = pb.start();
    assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the script did not finish");
    String out = Files.readString(tmp.resolve("out"));

    assertEquals(mavenStatus, run.exitValue(), out);
    assertEquals("down asterisk-lab\ndown asterisk-lab-b\ndown asterisk-lab-c\n", Files.readString(downs),
        "each lab is taken down once");
    assertEquals(labSays.contains("cannot run here"), out.contains("WARNING: " + labSays), out);
  }

  private static void executable(Path file, String body) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
