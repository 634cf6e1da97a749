package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PagingHarness;

/** Two people acknowledging the same incident at the same moment: exactly one owner. */
class RacingAcksTest {

    @RepeatedTest(5)
    void twoRacingAcksLeaveExactlyOneOwner() throws Exception {
        try (PagingHarness h = new PagingHarness().withDefaultRoster()) {
            long id = h.voicemailPagingPatAndSam(Priority.P2);
            ExecutorService two = Executors.newFixedThreadPool(2);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (String phone : List.of(PAT, SAM)) {
                answers.add(two.submit(() -> {
                    go.await();
                    return h.sms(phone, id + "a");
                }));
            }
            go.countDown();
            List<String> said = new ArrayList<>();
            for (Future<String> f : answers) {
                said.add(f.get(10, TimeUnit.SECONDS));
            }
            two.shutdown();
            long winners = said.stream().filter(s -> s.contains("is yours")).count();
            long losers = said.stream().filter(s -> s.contains("already acknowledged")).count();
            assertEquals(1, winners, said.toString());
            assertEquals(1, losers, said.toString());
            String owner = h.incidents.show(id).incident().ownerName();
            assertEquals(1, h.incidents.show(id).timeline().stream().filter(e -> e.kind().equals("ACKNOWLEDGED")).count());
            h.pass();
            h.expectSms(owner.equals("Pat") ? SAM : PAT, owner + " took incident " + id);   // one notice, to the loser
        }
    }
}
