package org.pagerline.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one ```sh block of asterisk-dialplan/README.md's "## Install" as written (bash -euo pipefail,
 * the block's three-space indent removed, /etc/asterisk mapped to a folder), the way
 * scripts/asterisk-lab installs the whole section: so a test that changes what an administrator
 * would change (e.g. Install step 1's {@code AGI=} addresses) does it with the README's own command.
 */
public final class DialplanInstall {
    public static final Path README = Path.of("asterisk-dialplan/README.md");

    private DialplanInstall() {
    }

    /** The one ```sh block of the Install section that contains {@code marker}. */
    public static String block(String marker) throws IOException {
        List<String> blocks = new ArrayList<>();
        boolean install = false;
        StringBuilder code = null;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("## ")) {
                install = line.startsWith("## Install");
            } else if (install && code == null && line.strip().equals("```sh")) {
                code = new StringBuilder();
            } else if (code != null && line.strip().equals("```")) {
                blocks.add(code.toString());
                code = null;
            } else if (code != null) {
                code.append(line.startsWith("   ") ? line.substring(3) : line).append('\n');
            }
        }
        List<String> hits = blocks.stream().filter(b -> b.contains(marker)).toList();
        if (hits.size() != 1) {
            throw new IllegalStateException(README + ": " + hits.size() + " Install blocks contain '" + marker + "', not one");
        }
        return hits.get(0);
    }

    /**
     * Runs the block containing {@code marker} with /etc/asterisk replaced by {@code etcAsterisk}
     * and {@code env} added to the environment; fails with the block's output if it fails.
     */
    public static void run(String marker, Path etcAsterisk, Map<String, String> env) throws IOException {
        String script = block(marker).replace("/etc/asterisk", etcAsterisk.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Install block did not finish in 30 s:\n" + script);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Install block failed (exit " + p.exitValue() + ") with " + env + ":\n"
                    + script + "\n--- output:\n" + out);
        }
    }
}
