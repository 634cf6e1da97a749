package org.pagerline.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives. The default is an embedded H2 file under {@code data.dir}, with
 * {@code WRITE_DELAY=0} so a commit is on disk before the call returns (H2 otherwise delays
 * commits by up to 500 ms, and a crash loses them) and {@code LOCK_TIMEOUT=10000} so a transaction
 * waits up to 10 s for a row another one holds (H2's default of 1 s turned a busy moment into an
 * error, e.g. an SMS acknowledgement answered with HTTP 500).
 *
 * <p>No {@code AUTO_SERVER}: it opened a TCP port to the database on every interface, its key in a
 * world-readable lock file. Only the server process opens the file while it runs; the command line
 * reaches the running server over its admin socket in {@code dataDir}. An embedded H2 database's
 * password, unless {@code PAGERLINE_DB_PASSWORD} gives one, is generated on first start and kept in
 * {@code dataDir} ({@link #generatedPassword()}).
 */
public record DatabaseConfig(String url, String user, String password, int poolSize, Path dataDir,
        Duration idleInTransactionTimeout) {
    /** Parsed statements an H2 session keeps (see {@link #from}): more than pagerline has distinct statements on a path. */
    static final int H2_QUERY_CACHE_SIZE = 256;
    /** H2's page cache in KB (see {@link #from}); H2's own default is 16 MB. */
    static final int H2_CACHE_KB = 4096;
    /** {@code db.idle-in-transaction-timeout}'s default (see {@link #from}). */
    static final Duration IDLE_IN_TRANSACTION_DEFAULT = Duration.ofSeconds(30);

    public static DatabaseConfig from(Settings s) {
        Path dataDir = dataDir(s);
        String dflt = "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("pagerline")
                + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";
        String url = s.string("db.url", dflt);
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("db.url", "'" + url + "' is neither an H2 (jdbc:h2:) nor a PostgreSQL (jdbc:postgresql:) URL");
        }
        if (url.startsWith("jdbc:h2:") && url.toUpperCase(java.util.Locale.ROOT).contains("AUTO_SERVER")) {
            throw new ConfigException("db.url", "AUTO_SERVER opens a TCP port to the database; remove it (the command line "
                    + "reaches a running server through its admin socket)");
        }
        java.util.Optional<String> delayed = settingOf(url, "WRITE_DELAY").filter(d -> !d.equals("0"));
        if (url.startsWith("jdbc:h2:") && delayed.isPresent()) {
            throw new ConfigException("db.url", "WRITE_DELAY=" + delayed.get() + " lets a crash lose committed work;"
                    + " remove it (pagerline runs H2 with WRITE_DELAY=0)");
        }
        if (url.startsWith("jdbc:h2:file:")) {
            // H2's file channel closes for good when a thread doing I/O is interrupted, and Quartz
            // interrupts its threads when it stops: the database died under a clean stop. retry:
            // reopens the channel instead (same files).
            url = "jdbc:h2:retry:file:" + url.substring("jdbc:h2:file:".length());
        }
        if (url.startsWith("jdbc:h2:") && settingOf(url, "DB_CLOSE_ON_EXIT").isEmpty()) {
            // H2's own shutdown hook would close the database beside ours, under a scheduler and
            // calls still finishing ("Database is already closed"): pagerline closes it, last.
            url += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (url.startsWith("jdbc:h2:") && settingOf(url, "QUERY_CACHE_SIZE").isEmpty()) {
            // H2 keeps a session's parsed statements in a cache of 8 (its default): a call's start and
            // progress use about 30 distinct statements, so every one was parsed again (a third of the
            // call journal's CPU). Each pooled connection keeps this many parsed statements instead.
            url += ";QUERY_CACHE_SIZE=" + H2_QUERY_CACHE_SIZE;
        }
        if (url.startsWith("jdbc:h2:") && settingOf(url, "CACHE_SIZE").isEmpty()) {
            // H2 caches every page a commit writes: in its default 16 MB cache a page lived a second or
            // two under load, long enough for the collector to copy it to the old generation, and those
            // copies made the young collections' pauses (20-45 ms at 500 callers; a command in flight
            // waits them out). In 4 MB they die young; the hot pages (roots, the newest leaves) stay.
            url += ";CACHE_SIZE=" + H2_CACHE_KB;
        }
        String user = s.string("db.user", url.startsWith("jdbc:h2:") ? "sa" : "pagerline");
        String password = s.secret("db.password").orElse("");
        int pool = s.integer("db.pool-size", 10, 2, 200);
        // PostgreSQL ends a session that sits inside a transaction this long without a statement,
        // and so frees its rows: a node frozen or cut off mid-transaction (no TCP reset reaches the
        // database) otherwise holds them until the database's TCP keepalive gives up, 2 hours by
        // default, and the other node's engine skips the incidents it holds (FOR UPDATE SKIP
        // LOCKED) for that long. pagerline's own transactions run their statements back to back.
        Duration idle = s.duration("db.idle-in-transaction-timeout", IDLE_IN_TRANSACTION_DEFAULT, Duration.ofSeconds(1),
                Duration.ofHours(1));
        return new DatabaseConfig(url, user, password, pool, dataDir, idle);
    }

    /** {@code data.dir}, absolute. Read alone by the command line to find a running server's admin socket. */
    public static Path dataDir(Settings s) {
        return Path.of(s.string("data.dir", "./data")).toAbsolutePath().normalize();
    }

    /**
     * True for an embedded H2 database (a file, not in memory or on a remote H2 server) with no
     * password from the environment: its password is generated and kept in {@code dataDir}.
     */
    public boolean generatedPassword() {
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:")
                && !url.startsWith("jdbc:h2:ssl:") && password.isEmpty();
    }

    /** The same settings with the password to use (the generated one). */
    public DatabaseConfig withPassword(String newPassword) {
        return new DatabaseConfig(url, user, newPassword, poolSize, dataDir, idleInTransactionTimeout);
    }

    /** The value an H2 URL gives a setting ({@code WRITE_DELAY}, {@code CACHE_SIZE}), if it gives one. */
    private static java.util.Optional<String> settingOf(String url, String name) {
        for (String part : url.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                return java.util.Optional.of(part.substring(eq + 1).trim());
            }
        }
        return java.util.Optional.empty();
    }

    /** An H2 database in a file (not in memory): the one whose commits must survive a crash. */
    public boolean isH2File() {
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + ", poolSize=" + poolSize + ", dataDir=" + dataDir + ", idleInTransactionTimeout="
                + idleInTransactionTimeout + "]";
    }
}
