package org.pagerline.config;

import java.nio.file.Path;

/**
 * Where the data lives. The default is an embedded H2 file under {@code data.dir}, with
 * {@code WRITE_DELAY=0} so a commit is on disk before the call returns (H2 otherwise delays
 * commits by up to 500 ms, and a crash loses them) and {@code AUTO_SERVER=TRUE} so the command
 * line can reach the file while the server holds it, and {@code LOCK_TIMEOUT=10000} so a transaction
 * waits up to 10 s for a row another one holds (H2's default of 1 s turned a busy moment into an
 * error, e.g. an SMS acknowledgement answered with HTTP 500).
 */
public record DatabaseConfig(String url, String user, String password, int poolSize) {

    public static DatabaseConfig from(Settings s) {
        Path dataDir = Path.of(s.string("data.dir", "./data"));
        String dflt = "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("pagerline")
                + ";AUTO_SERVER=TRUE;WRITE_DELAY=0;LOCK_TIMEOUT=10000";
        String url = s.string("db.url", dflt);
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("db.url", "'" + url + "' is neither an H2 (jdbc:h2:) nor a PostgreSQL (jdbc:postgresql:) URL");
        }
        if (url.startsWith("jdbc:h2:file:")) {
            // H2's file channel closes for good when a thread doing I/O is interrupted, and Quartz
            // interrupts its threads when it stops: the database died under a clean stop. retry:
            // reopens the channel instead (same files).
            url = "jdbc:h2:retry:file:" + url.substring("jdbc:h2:file:".length());
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        if (url.startsWith("jdbc:h2:") && !upper.contains("DB_CLOSE_ON_EXIT") && !upper.contains("AUTO_SERVER=TRUE")) {
            // H2's own shutdown hook would close the database beside ours, under a scheduler and
            // calls still finishing ("Database is already closed"): pagerline closes it, last.
            // (H2 refuses this with AUTO_SERVER; PagerlineServer's signal handler covers that case.)
            url += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        String user = s.string("db.user", url.startsWith("jdbc:h2:") ? "sa" : "pagerline");
        String password = s.secret("db.password").orElse("");
        int pool = s.integer("db.pool-size", 10, 2, 200);
        return new DatabaseConfig(url, user, password, pool);
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "***")
                + ", poolSize=" + poolSize + "]";
    }
}
