package org.pagerline.boot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.pagerline.adapter.store.DatabaseOutage;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * While H2 has closed the database (a full disk), every caller, engine pass and Quartz thread
 * that touches it fails, and each would log a stack trace: 1,400 lines a minute. This filter holds
 * back the lines whose exception the outage already accounts for ({@link DatabaseOutage#explains})
 * and counts them; the outage itself logs the condition once a minute. Lines without such an
 * exception, and the failure that closed the database, are logged as usual.
 *
 * <p>A line whose exception met H2's closed database before the outage was declared (a few ms
 * race between the statement whose write failed and the others) is logged as one line: its own
 * message and H2's, without the stack trace.
 */
final class OutageLogFilter extends TurboFilter {
    private final DatabaseOutage outage;

    private OutageLogFilter(DatabaseOutage outage) {
        this.outage = outage;
    }

    /** Adds the filter for this database to logback (when logback is the SLF4J backend). */
    static void install(DatabaseOutage outage) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            OutageLogFilter f = new OutageLogFilter(outage);
            f.start();
            ctx.addTurboFilter(f);
        }
    }

    /** Removes the filter installed for this database, if any. */
    static void uninstall(DatabaseOutage outage) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getTurboFilterList().removeIf(f -> f instanceof OutageLogFilter o && o.outage == outage);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        Throwable thrown = t;
        if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            thrown = last; // SLF4J style: the exception as the last argument
        }
        if (thrown != null && level.isGreaterOrEqual(Level.INFO) && outage.explains(thrown)) {
            outage.heldBack();
            return FilterReply.DENY;
        }
        String closed = thrown == null || !level.isGreaterOrEqual(Level.INFO) ? null : DatabaseOutage.closedDatabase(thrown);
        if (closed != null) {
            // the same line without its throwable, which this filter then lets through
            String message = MessageFormatter.arrayFormat(format, params, null).getMessage();
            logger.log(marker, Logger.FQCN, Level.toLocationAwareLoggerInteger(level),
                    message + " [" + closed + "; stack trace left out]", null, null);
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
