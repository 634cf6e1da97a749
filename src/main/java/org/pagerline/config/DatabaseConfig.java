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
        if (url.startsWith("jdbc:h2:") && writeDelayOf(url).filter(d -> !d.equals("0")).isPresent()) {
            throw new ConfigException("db.url", "WRITE_DELAY=" + writeDelayOf(url).get() + " lets a crash lose committed work;"
                    + " remove it (pagerline runs H2 with WRITE_DELAY=0)");
        }
        String user = s.string("db.user", url.startsWith("jdbc:h2:") ? "sa" : "pagerline");
        String password = s.secret("db.password").orElse("");
        int pool = s.integer("db.pool-size", 10, 2, 200);
        return new DatabaseConfig(url, user, password, pool);
    }

    /** The WRITE_DELAY an H2 URL sets, if it sets one. */
    private static java.util.Optional<String> writeDelayOf(String url) {
        for (String part : url.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase("WRITE_DELAY")) {
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
                + ", poolSize=" + poolSize + "]";
    }
}
