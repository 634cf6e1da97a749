package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.LEE;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.SAM;
import static org.pagerline.testkit.PagingHarness.VAL;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.incident.IncidentState;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.PagingHarness;
import org.pagerline.testkit.RecordingPageChannel.Sent;

/**
 * A company-wide outage: 20 urgent callers leave voicemails within 2 minutes. With the default
 * per-phone limit (10 messages per 10 minutes), every on-call phone still hears of each voicemail
 * within 30 s, and no phone gets more than the limit: the urgent pages are bundled, never held by
 * the limit. Pat takes each bundle with "aa" 10 s after it arrives; Sam reads and does nothing.
 */
class UrgentCallsDuringAnOutageScenarioTest {
    static final RateLimit LIMIT = new RateLimit(10, Duration.ofMinutes(10));
    final PagingHarness h = new PagingHarness(LIMIT).withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void twentyUrgentCallsInTwoMinutesReachEveryOnCallPhoneWithin30sAndStayWithinTheLimit() {
        Instant start = h.clock.instant();
        Map<Long, Instant> voicemailAt = new LinkedHashMap<>();
        TreeMap<Instant, String> patReplies = new TreeMap<>();
        List<Sent> sent = new ArrayList<>();
        for (int second = 0; second <= 600; second++) {
            Instant now = start.plusSeconds(second);
            h.clock.set(now);
            if (second % 6 == 0 && second < 120) {
                int k = second / 6;
                String caller = String.format("+1204666%04d", k);
                Ticket t = h.tickets.openOrReuse(TicketSource.PHONE, caller, "Caller " + k, "Company " + k,
                        Duration.ofHours(1));
                long id = h.incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P1, caller, "Caller " + k,
                        "Company " + k, caller, "/var/spool/asterisk/voicemail/urgent/msg" + k, now));
                voicemailAt.put(id, now);
            }
            while (!patReplies.isEmpty() && !patReplies.firstKey().isAfter(now)) {
                String answer = h.sms(PAT, patReplies.pollFirstEntry().getValue());
                assertTrue(answer.contains("yours") || answer.contains("already"), answer);
            }
            h.pass();
            for (Sent s : h.phones.drain()) {
                sent.add(s);
                if (s.page().to().equals(PAT) && s.page().channel() == Channel.SMS && s.page().text().contains("a to take")) {
                    patReplies.put(s.at().plusSeconds(10), "aa");
                }
            }
        }
        assertEquals(20, voicemailAt.size());

        // Reached: the first text about each incident (its page, alone or in a bundle, or who took it) within 30 s.
        long slowest = 0;
        for (Map.Entry<Long, Instant> v : voicemailAt.entrySet()) {
            List<Page> pages = h.incidents.show(v.getKey()).pages();
            for (String phone : List.of(PAT, SAM)) {
                Instant first = pages.stream().filter(p -> p.to().equals(phone) && p.channel() == Channel.SMS
                        && p.claimedAt() != null).map(Page::claimedAt).min(Instant::compareTo).orElse(null);
                assertTrue(first != null, "incident " + v.getKey() + " never reached " + phone);
                long took = Duration.between(v.getValue(), first).toSeconds();
                slowest = Math.max(slowest, took);
                assertTrue(took <= 30, "incident " + v.getKey() + " reached " + phone + " after " + took + " s");
            }
            assertEquals(IncidentState.ACKNOWLEDGED, h.incidents.show(v.getKey()).incident().state());
            assertEquals("Pat", h.incidents.show(v.getKey()).incident().ownerName());
        }

        // Within the limit: no phone got more than 10 messages (texts and calls) in any 10 minutes.
        Map<String, Integer> busiest = new TreeMap<>();
        for (Sent s : sent) {
            int inWindow = (int) sent.stream().filter(o -> o.page().to().equals(s.page().to())
                    && o.at().isAfter(s.at().minus(LIMIT.window())) && !o.at().isAfter(s.at())).count();
            busiest.merge(s.page().to(), inWindow, Math::max);
        }
        busiest.forEach((phone, most) -> assertTrue(most <= LIMIT.pages(), phone + " got " + most + " messages in 10 min:\n"
                + String.join("\n", sent.stream().filter(s -> s.page().to().equals(phone)).map(Sent::toString).toList())));
        assertTrue(sent.stream().noneMatch(s -> s.page().to().equals(LEE) || s.page().to().equals(VAL)),
                "everything was taken before the team lead's step");
        assertTrue(sent.stream().anyMatch(s -> s.page().text().contains("urgent incidents:")), "bundles went out");
        System.out.println("outage scenario: 20 voicemails in 2 min; slowest first text " + slowest + " s; most messages to"
                + " one phone in 10 min: " + busiest + "; " + sent.size() + " hand-overs in all");
    }
}
