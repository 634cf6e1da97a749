package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pagerline.testkit.PagingHarness.LEE;
import static org.pagerline.testkit.PagingHarness.PAT;
import static org.pagerline.testkit.PagingHarness.VAL;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;
import org.pagerline.testkit.PagingHarness;

/**
 * The business-hours service levels as a runbook: P3 responds within 4 business hours, P4/P5 within
 * 8, on the desk calendar (default Mon-Fri 08:00-17:00 America/Winnipeg; CDT, UTC-5, in these weeks).
 * Nobody calls back, so the urgent line's own 30-minute LATE notice repeats all along (owner Pat,
 * lead Lee, VP Val); any service-level notice at another time would be an unexpected page.
 * Technicians read times in UTC: Monday 11:00 desk time is "16:00" in their texts.
 */
class BusinessHoursSlaScenarioTest {
    static final Instant FRIDAY_16_00 = Instant.parse("2026-03-13T21:00:00Z");   // Friday 16:00 desk time
    static final Instant MONDAY_11_00 = Instant.parse("2026-03-16T16:00:00Z");
    static final Instant TUESDAY_11_00 = Instant.parse("2026-03-17T16:00:00Z");

    final PagingHarness h = new PagingHarness().withDefaultRoster();

    @AfterEach
    void close() {
        h.close();
    }

    private Instant respondBy(long incident) {
        return h.incidents.show(incident).incident().respondBy();
    }

    /** A voicemail at Friday 16:00 desk time, Pat paged alone and acknowledging at once (no call-back yet). */
    private long fridayVoicemailTakenByPat(Priority p) {
        h.clock.set(FRIDAY_16_00);
        h.incidents.setPolicy(List.of("0m PRIMARY"), "1h");
        long id = h.voicemail(p);
        h.pass();
        h.expectPaged(PAT, id);
        h.sms(PAT, "a");
        h.pass();
        return id;
    }

    /** Half-hourly LATE notices (and nothing else) until {@code until}, a multiple of 30 min after the voicemail. */
    private void onlyLateNoticesUntil(Instant until) {
        while (h.clock.instant().plus(Duration.ofMinutes(30)).compareTo(until) <= 0) {
            h.after(Duration.ofMinutes(30));
            for (String phone : List.of(PAT, LEE, VAL)) {
                h.expectSms(phone, "LATE");
            }
        }
    }

    @Test
    void aP3AtFriday1600IsDueMonday1100WarnedAt1045AndMissedAt1100NothingOverTheWeekend() {
        long id = fridayVoicemailTakenByPat(Priority.P3);
        assertEquals(MONDAY_11_00, respondBy(id), "1 h on Friday + 3 h from Monday 08:00");

        onlyLateNoticesUntil(MONDAY_11_00.minus(Duration.ofMinutes(30)));   // the whole weekend: no SLA notice
        h.after(Duration.ofMinutes(15));                                     // Monday 10:45: 15 min to go
        h.expectSms(LEE, "respond-by deadline 16:00 is near");
        h.after(Duration.ofMinutes(15));                                     // Monday 11:00: missed
        for (String phone : List.of(LEE, VAL)) {                             // missed and late at once: one text
            String both = h.expectSms(phone, "pagerline: 2 notices: ").page().text();
            assertTrue(both.contains("MISSED") && both.contains("LATE"), both);
        }
        h.expectSms(PAT, "LATE");
        h.sms(PAT, id + "c");
        h.after(Duration.ofHours(1));
        h.expectNothingElse();
    }

    @Test
    void aHolidayOnMondayPushesTheP3DeadlineToTuesday() {
        new CalendarService(h.tx).addHoliday("2026-03-16", "Desk closed");
        long id = fridayVoicemailTakenByPat(Priority.P3);
        assertEquals(TUESDAY_11_00, respondBy(id));

        onlyLateNoticesUntil(TUESDAY_11_00.minus(Duration.ofMinutes(30)));  // Monday 10:45 passes quietly
        h.after(Duration.ofMinutes(15));
        h.expectSms(LEE, "respond-by deadline 16:00 is near");
        h.sms(PAT, id + "c");
        h.after(Duration.ofMinutes(30));                                     // called back: no MISSED
    }

    @Test
    void aP1AtFriday1600KeepsItsTwoWallClockHoursPastClosing() {
        long id = fridayVoicemailTakenByPat(Priority.P1);
        Instant due = FRIDAY_16_00.plus(Duration.ofHours(2));
        assertEquals(due, respondBy(id));

        onlyLateNoticesUntil(due.minus(Duration.ofMinutes(30)));
        h.after(Duration.ofMinutes(15));                                     // Friday 17:45 desk time
        h.expectSms(LEE, "respond-by deadline 23:00 is near");
        h.sms(PAT, id + "c");
        h.after(Duration.ofMinutes(30));
    }

    @Test
    void p4AndP5RespondWithinEightBusinessHours() {
        h.clock.set(FRIDAY_16_00);
        long p4 = h.voicemail(Priority.P4);
        assertEquals(Instant.parse("2026-03-16T20:00:00Z"), respondBy(p4), "1 h Friday + 7 h Monday: 15:00");
        h.incidents.resolve(p4);
        long p5 = h.voicemail(Priority.P5);
        assertEquals(Instant.parse("2026-03-16T20:00:00Z"), respondBy(p5));
    }

    @Test
    void aSecondVoicemailRaisingThePriorityBringsTheEarlierDeadline() {
        h.clock.set(FRIDAY_16_00);
        long id = h.voicemail(Priority.P5);                                  // Monday 15:00
        h.clock.advance(Duration.ofMinutes(30));
        assertEquals(id, h.voicemail(Priority.P3));                          // Friday 16:30 + 4 business hours
        assertEquals(Instant.parse("2026-03-16T16:30:00Z"), respondBy(id), "0.5 h Friday + 3.5 h Monday: 11:30");
        h.clock.advance(Duration.ofMinutes(10));
        assertEquals(id, h.voicemail(Priority.P1));                          // 2 h from 16:40, past closing
        assertEquals(Instant.parse("2026-03-13T23:40:00Z"), respondBy(id));
    }

    @Test
    void aDeskWithNoOpeningHoursFallsBackToWallClockTime() {
        h.tx.run(s -> s.calendar().saveHours(ZoneId.of("America/Winnipeg"), List.of()));
        h.clock.set(FRIDAY_16_00);
        long id = h.voicemail(Priority.P3);
        assertEquals(FRIDAY_16_00.plus(Duration.ofHours(4)), respondBy(id));
    }
}
