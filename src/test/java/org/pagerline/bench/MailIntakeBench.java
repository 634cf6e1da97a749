package org.pagerline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.MailRig;

/**
 * N messages (default 1,000) waiting in the desk's mailbox when pagerline starts (it had connected
 * once before, so they are new mail): all handled over real IMAP (GreenMail in this JVM, loopback)
 * into an H2 file database; throughput, and p50/p99 from a message's fetch to its commit; then
 * how long until every acknowledgement went out over real SMTP. Not a unit test.
 */
public final class MailIntakeBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("mail-bench");
        try (MailRig rig = new MailRig(dir)) {
            rig.start(); // the first connection: an empty mailbox
            rig.stop();
            for (int i = 0; i < n; i++) {
                rig.deliver("From: Customer " + i + " <c" + i + "@client" + (i % 50) + ".test>\nTo: help@desk.test\n"
                        + "Subject: Printer " + i + " jammed\nMessage-ID: <bench-" + i + "@client.test>\nMIME-Version: 1.0\n"
                        + "Content-Type: text/plain; charset=UTF-8\n\nHello,\n\nThe printer on floor " + i
                        + " shows a paper jam and prints nothing since this morning.\n\nRegards,\n" + name(i)
                        + "\nClient " + (i % 50) + " Ltd\n+1 204 555 " + String.format("%04d", 1000 + i % 9000) + "\n");
            }
            ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            rig.start(m -> {}, nanos::add);
            Eventually.await(Duration.ofMinutes(10), n + " messages handled", () -> nanos.size() >= n);
            long handled = System.nanoTime() - t0;
            Eventually.await(Duration.ofMinutes(10), n + " acknowledgements sent", () -> rig.greenMail.getReceivedMessages().length >= 2 * n);
            long acked = System.nanoTime() - t0;
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            int tickets = rig.tickets.list(10_000).size();
            System.out.printf("messages %d, tickets %d, all handled in %.1f s (%.0f messages/s), all %d acknowledgements sent after %.1f s%n",
                    n, tickets, handled / 1e9, n / (handled / 1e9), n, acked / 1e9);
            System.out.printf("fetch to commit: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", ms(sorted, 0.50), ms(sorted, 0.90),
                    ms(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6);
        }
    }

    /** A full name without digits: "Ann Abbott", "Ann Baker", ... */
    private static String name(int i) {
        String[] first = {"Ann", "Bob", "Carla", "Dev", "Emma", "Farid", "Gina", "Hugo", "Iris", "Jon"};
        String[] last = {"Abbott", "Baker", "Chen", "Dubois", "Evans", "Fortin", "Gagnon", "Harris", "Ito", "Jones"};
        return first[i % 10] + " " + last[(i / 10) % 10];
    }

    private static double ms(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
