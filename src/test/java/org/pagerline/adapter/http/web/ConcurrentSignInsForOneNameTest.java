package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sixteen wrong passwords for one name sent at once (one per request thread): five are checked
 * and refused (401), the rest are turned away before any check (429), as if they had come one
 * after another. A guesser gets five tries per name per 15 minutes, however they send them.
 */
class ConcurrentSignInsForOneNameTest {
    final WebRig rig = new WebRig();

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void wrongPasswordsSentAtOnceForOneNameGetFiveChecksAndNoMore() throws Exception {
        int at = 16;
        List<WebRig.Browser> browsers = new ArrayList<>();
        for (int i = 0; i < at; i++) {
            WebRig.Browser b = rig.new Browser();
            b.get("/console/signin");   // the form's pre-sign-in token
            browsers.add(b);
        }
        ExecutorService pool = Executors.newFixedThreadPool(at);
        try {
            CyclicBarrier together = new CyclicBarrier(at);
            List<Future<Integer>> answers = new ArrayList<>();
            for (WebRig.Browser b : browsers) {
                answers.add(pool.submit(() -> {
                    together.await();
                    return b.submit("/console/signin", Map.of("name", "Tess Tech", "password", "wrong guess")).statusCode();
                }));
            }
            int checked = 0;
            int refused = 0;
            for (Future<Integer> a : answers) {
                int status = a.get(60, TimeUnit.SECONDS);
                checked += status == 401 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            assertEquals(5, checked, "passwords checked");
            assertEquals(at - 5, refused, "turned away before the check");
        } finally {
            pool.shutdownNow();
        }
        WebRig.Browser tess = rig.new Browser();
        tess.get("/console/signin");
        assertEquals(429, tess.submit("/console/signin", Map.of("name", "Tess Tech", "password", WebRig.PASSWORD)).statusCode(),
                "the name stays locked for its 15 minutes, right password or not");
    }
}
