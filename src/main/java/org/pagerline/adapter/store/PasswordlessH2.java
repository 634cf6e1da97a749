package org.pagerline.adapter.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.pagerline.config.DatabaseConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An H2 database made before pagerline set a password has user {@code SA} with an empty one: it
 * is given the configured password the first time the new version opens it. Only tried when the
 * configured password was refused; the password is never logged.
 */
final class PasswordlessH2 {
    private static final Logger log = LoggerFactory.getLogger(PasswordlessH2.class);
    /** H2's "Wrong user name or password". */
    static final int WRONG_USER_OR_PASSWORD = 28000;

    private PasswordlessH2() {}

    /** True when opening failed because H2 refused the user name or password. */
    static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == WRONG_USER_OR_PASSWORD) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sets the configured password if the database accepts the user with an empty one. Returns
     * false (changing nothing) when it does not: the password is wrong for some other reason.
     */
    static boolean adopt(DatabaseConfig config) {
        if (!config.url().startsWith("jdbc:h2:") || config.password().isEmpty()) {
            return false;
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), "");
             Statement st = c.createStatement()) {
            String user = "\"" + config.user().toUpperCase(Locale.ROOT).replace("\"", "\"\"") + "\"";
            st.execute("ALTER USER " + user + " SET PASSWORD '" + config.password().replace("'", "''") + "'");
        } catch (SQLException e) {
            return false;
        }
        log.info("the database had an empty password: it now has the generated one");
        return true;
    }
}
