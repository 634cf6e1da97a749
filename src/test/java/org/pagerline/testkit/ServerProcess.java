package org.pagerline.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real server in a child JVM, started as {@code pagerline server} with a config file, so a
 * test can SIGTERM or SIGKILL it and start it again on the same data.
 */
public final class ServerProcess implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int httpPort;
    private final int agiPort;
    private Process process;
    private final Map<String, String> env = new java.util.HashMap<>();

    public ServerProcess(Path dir, Map<String, String> extraSettings) throws IOException {
        this.dir = dir;
        this.httpPort = Ports.free();
        this.agiPort = Ports.free();
        this.config = dir.resolve("pagerline.properties");
        this.log = dir.resolve("server.log");
        StringBuilder sb = new StringBuilder();
        sb.append("data.dir=").append(dir.resolve("data")).append('\n');
        sb.append("http.port=").append(httpPort).append('\n');
        sb.append("agi.port=").append(agiPort).append('\n');
        extraSettings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, sb.toString());
    }

    /** An environment variable for the server and the commands run with {@link #cli} (secrets: the database password...). */
    public ServerProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs {@code pagerline ARGS} with this config in a child JVM; returns the process. */
    public Process launch(List<String> args, Path output) throws IOException {
        List<String> cmd = ChildJvm.java("256m");
        cmd.add("org.pagerline.boot.Main");
        cmd.add("--config");
        cmd.add(config.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    public ServerProcess start() throws IOException {
        return begin().awaitUp();
    }

    /** Launches the server and returns at once (start several side by side, then {@link #awaitUp}). */
    public ServerProcess begin() throws IOException {
        process = launch(List.of("server"), log);
        return this;
    }

    /** Waits (bounded) until the launched server answers 200 on /health; stops it if it never does. */
    public ServerProcess awaitUp() {
        try {
            Eventually.await(Duration.ofSeconds(60), "server health on port " + httpPort, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("server exited with " + process.exitValue() + ":\n" + log());
                }
                return health().statusCode() == 200;
            });
        } catch (AssertionError e) {
            // the caller's try-with-resources may never get this object: do not leave the server running
            process.destroyForcibly();
            throw e;
        }
        return this;
    }

    public HttpResponse<String> health() {
        return get("/health");
    }

    public HttpResponse<String> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What a {@code pagerline} command printed, and its exit status. */
    public record CliResult(int exit, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    /**
     * Runs {@code pagerline --config CONFIG ARGS} in its own JVM, as an admin would from a shell:
     * through the running server's admin socket, or on the database itself when no server runs.
     */
    public CliResult cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.java("256m");
        cmd.add("org.pagerline.boot.Main");
        cmd.add("--config");
        cmd.add(config.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pagerline " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The server JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** SIGTERM, and wait for the JVM to finish its clean stop. Returns the exit status. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("server did not stop within 30 s of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public int httpPort() {
        return httpPort;
    }

    public int agiPort() {
        return agiPort;
    }

    public Path config() {
        return config;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /** Stands in for a response when nothing listens yet. */
    private record Unreachable(IOException cause) implements HttpResponse<String> {
        public int statusCode() {
            return -1;
        }

        public HttpRequest request() {
            return null;
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        public String body() {
            return cause.toString();
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return null;
        }

        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
