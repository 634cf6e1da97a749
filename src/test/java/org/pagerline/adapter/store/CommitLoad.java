package org.pagerline.adapter.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.pagerline.config.DatabaseConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.service.TicketService;

/**
 * A child-JVM harness for {@code CommitsSurviveSigkillIT}: opens the database exactly as the
 * server does ({@link Database#open} over {@link DatabaseConfig}) and commits ticket events from
 * four threads as fast as it can, printing {@code ack N} only after event N's commit returned.
 * Arguments: data directory, first event number, and optionally a {@code db.url}.
 */
public final class CommitLoad {
    private CommitLoad() {}

    public static void main(String[] args) {
        Map<String, String> settings = new HashMap<>();
        settings.put("data.dir", args[0]);
        if (args.length > 2) {
            settings.put("db.url", args[2]);
        }
        AtomicLong next = new AtomicLong(Long.parseLong(args[1]));
        Database db = Database.open(DatabaseConfig.from(Settings.ofMap(settings)));
        JdbcTransactions tx = new JdbcTransactions(db.dataSource());
        // A ticket of this run's own: after a SIGKILL, H2 2.x was seen to spin (RUNNABLE in
        // TransactionMap.set, past LOCK_TIMEOUT) on the first UPDATE of a row that the killed
        // transaction held; that is its own finding (README, known limits), not what this measures.
        String caller = String.format("+1204555%04d", (next.get() / 1_000_000) % 10_000);
        Ticket t = new TicketService(tx, Clock.systemUTC()).openOrReuse(TicketSource.PHONE, caller, "Load", "Load",
                Duration.ofDays(365));
        PrintStream out = System.out;
        synchronized (out) {
            out.println("ready " + t.id());
            out.flush();
        }
        for (int i = 0; i < 4; i++) {
            Thread w = new Thread(() -> {
                while (true) {
                    long n = next.incrementAndGet();
                    tx.inTransaction(s -> {
                        s.tickets().addEvent(t.id(), Clock.systemUTC().instant(), "LOAD", "n=" + n);
                        return n;
                    });
                    synchronized (out) {
                        out.println("ack " + n);
                        out.flush();
                    }
                }
            }, "load-" + i);
            w.start();
        }
    }
}
