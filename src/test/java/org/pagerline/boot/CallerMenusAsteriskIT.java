package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.pagerline.core.ticket.Priority;

/**
 * The caller's menus on a real Asterisk 22, with Asterisk's own GET DATA: a star, a wrong key and
 * silence are each asked again, and three wrong keys take the menu's default. What
 * SupportLineScenarioTest.wrongKeysNoInputAndRepeatsAreHandledThenTheDefaultIsTaken holds with the
 * fake, whose replies are our idea of Asterisk's (a silence there is an empty result; here it is
 * Asterisk's timeout after the prompt).
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
class CallerMenusAsteriskIT {

    // No resource lock: open or closed, the desk asks these menus alike and rings Pat for an urgent
    // caller; and nothing here turns on pagerline/connecting, which MissingPromptAsteriskIT removes for a while.
    @Test
    void aStarAWrongKeyAndSilenceAreAskedAgainAndThreeWrongPrioritiesTakeTheDefault() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer(), me);
                var call = lab.call(new Sipp.Caller(me)
                        .when("urgent-or-not").press("*")
                        .when("urgent-or-not").press("9")
                        .when("urgent-or-not") // says nothing: Asterisk's GET DATA times out
                        .when("urgent-or-not").press("1")
                        .when("priority").press("7")
                        .when("priority").press("8")
                        .when("priority").press("0")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(3)).press("#"))) {
            call.awaitSuccess(ofSeconds(180));
        } finally {
            lab.resolveIncidentsOf(me); // its pages would ring on for the rest of the suite
        }
        String timeline = lab.timelineText(me);
        List<AsteriskLab.Step> steps = lab.steps(me);
        String shown = AsteriskLab.shown(steps) + "\n" + timeline;
        List<AsteriskLab.Step> asked = steps.stream().filter(s -> s.what().startsWith("agi GET DATA pagerline/urgent-or-not")).toList();
        assertEquals(4, asked.size(), "asked urgent-or-not after the star, the wrong key and the silence:\n" + shown);
        assertEquals(3, steps.stream().filter(s -> s.what().startsWith("agi GET DATA pagerline/priority")).count(),
                "three wrong priority keys, then the default:\n" + shown);
        assertTrue(steps.stream().anyMatch(s -> s.what().contains("pagerline/wrong-key")), "told the key was wrong:\n" + shown);
        assertTrue(steps.stream().anyMatch(s -> s.what().contains("pagerline/no-input")), "told nothing was heard:\n" + shown);
        // the silent round lasted the prompt and the whole GET DATA timeout: Asterisk's own, not a reply of ours
        Matcher timeout = Pattern.compile("pagerline/urgent-or-not (\\d+)").matcher(asked.get(2).what());
        assertTrue(timeout.find(), asked.get(2).what());
        long silentMs = TimeUnit.NANOSECONDS.toMillis(asked.get(3).nanos() - asked.get(2).nanos());
        assertTrue(silentMs >= Long.parseLong(timeout.group(1)), "the silent round took " + silentMs + " ms:\n" + shown);

        assertEquals(Priority.P3, lab.ticketOf(me).priority(), shown);
        assertTrue(timeline.contains("URGENCY urgent\n"), "the 1 after the silence counted:\n" + shown);
        assertTrue(timeline.contains("(no valid key pressed; default taken)") && timeline.contains("PRIORITY P3"), shown);
        assertEquals("VOICEMAIL", lab.resultAtHangup(me), shown);
    }

    @Test
    void aPremiumRateCallBackNumberIsRefusedAndANumberKeyedWithoutHashIsTakenAtTheTimeout() throws Exception {
        // what SupportLineHangUpsNumbersAndAccessTest.aPremiumRateCallBackNumberIsRefusedAndTheCallerAskedAgain holds
        // with the fake. Asterisk's GET DATA ends on # (the digits before it) or, with no #, at its timeout
        // ("result=2045550177 (timeout)"): both are the number the caller keyed.
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer(), me);
                var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1")
                        .when("priority").press("3")
                        .when("callback-confirm").press("2")
                        .when("callback-enter").press("9002345678#")
                        .when("callback-enter").press("2045550177")
                        .when("callback-confirm").press("1")
                        .when("record").talk(ofSeconds(3)).press("#"))) {
            call.awaitSuccess(ofSeconds(180));
        } finally {
            lab.resolveIncidentsOf(me); // its pages would ring on for the rest of the suite
        }
        String timeline = lab.timelineText(me);
        String shown = AsteriskLab.shown(lab.steps(me)) + "\n" + timeline;
        assertTrue(timeline.lines().anyMatch(l -> l.startsWith("CALLBACK_REFUSED ") && l.contains("+19002345678 is a premium-rate number")),
                shown);
        assertTrue(lab.steps(me).stream().anyMatch(s -> s.what().contains("pagerline/callback-refused")), "told why:\n" + shown);
        assertEquals("VOICEMAIL", lab.resultAtHangup(me), shown);
        long ticket = lab.ticketOf(me).id();
        var incident = lab.incidentsOf(ticket).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no incident:\n" + shown));
        assertEquals("+12045550177", incident.callbackNumber(), shown);
    }

    /** What the lab saw of one call: the timeline, both for a failure's message, and the ticket's incident. */
    private record Seen(String timeline, String shown, org.pagerline.core.incident.Incident incident) {}

    /**
     * An urgent P3 caller (Pat's phone never answers) who turns down their caller ID and then does
     * what {@code cues} say at the call-back step and after; their incident resolved at the end.
     */
    private static Seen urgentCallerKeyingANumber(AsteriskLab lab, String me,
            java.util.function.UnaryOperator<Sipp.Caller> cues) throws Exception {
        try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).neverAnswer(), me);
                var call = lab.call(cues.apply(new Sipp.Caller(me).when("urgent-or-not").press("1")
                        .when("priority").press("3")
                        .when("callback-confirm").press("2")))) {
            call.awaitSuccess(ofSeconds(180));
        } finally {
            lab.resolveIncidentsOf(me); // its pages would ring on for the rest of the suite
        }
        String timeline = lab.timelineText(me);
        String shown = AsteriskLab.shown(lab.steps(me)) + "\n" + timeline;
        var incident = lab.incidentsOf(lab.ticketOf(me).id()).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no incident:\n" + shown));
        return new Seen(timeline, shown, incident);
    }

    @Test
    void aCallerWhoKeysAWrongNumberHearsItReadBackAndKeysTheRightOne() throws Exception {
        // A typo that still looks like a number (…78 for …77): read back, the caller presses 2 and keys it
        // again. Until 2026-12-07 the keyed number was read back and the tone followed at once: the typo
        // went onto the ticket and the incident, and the technician called a stranger.
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        Seen seen = urgentCallerKeyingANumber(lab, me, c -> c.when("callback-enter").press("2045550178#")
                .when("callback-confirm").press("2")
                .when("callback-enter").press("2045550177#")
                .when("callback-confirm").press("1")
                .when("record").talk(ofSeconds(3)).press("#"));
        assertTrue(seen.timeline().lines().anyMatch(l -> l.startsWith("CALLBACK_REJECTED ") && l.contains("+12045550178")),
                seen.shown());
        assertEquals("VOICEMAIL", lab.resultAtHangup(me), seen.shown());
        assertEquals("+12045550177", seen.incident().callbackNumber(), seen.shown());
    }

    @Test
    void anUrgentCallerWhoHangsUpWhileTheirKeyedNumberIsReadBackIsPagedOnThatNumber() throws Exception {
        // Many callers take "We will call you back at ..." as the end, and hang up there: the number they
        // keyed is the one to page with, not the caller ID they had just turned down.
        AsteriskLab lab = AsteriskLab.get();
        Seen seen = urgentCallerKeyingANumber(lab, lab.newCaller(), c -> c.when("callback-enter").press("2045550177#")
                .when("callback-confirm").hangUp());
        assertEquals("+12045550177", seen.incident().callbackNumber(), seen.shown());
    }

    @Test
    void aCallerWhoCannotKeyAValidNumberHearsWhichNumberTheDeskHasAndIsAskedToSayTheRightOne() throws Exception {
        // Three numbers nobody can call after turning down their caller ID: the desk keeps the caller ID,
        // and the caller hears so before the tone (until 2026-12-07 they were promised a call-back on the
        // number they had just turned down, without a word).
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        Seen seen = urgentCallerKeyingANumber(lab, me, c -> c.when("callback-enter").press("12#")
                .when("callback-enter").press("345#")
                .when("callback-enter").press("6789#")
                .when("record").talk(ofSeconds(3)).press("#"));
        assertTrue(lab.steps(me).stream().anyMatch(st -> st.what().contains("pagerline/callback-say-it")),
                "told which number and asked to say the right one:\n" + seen.shown());
        assertEquals("VOICEMAIL", lab.resultAtHangup(me), seen.shown());
        assertEquals(me, seen.incident().callbackNumber(), seen.shown());
        assertTrue(seen.timeline().contains("asked to say the right one in the message"), seen.shown());
    }

    @Test
    void aCallerWhoWithholdsTheirNumberKeysOneInAndConfirmsItAndNothingElse() throws Exception {
        // what SupportLineScenarioTest.withheldCallerIdMustKeyInANumberAndGetsTheirOwnTicket holds with the fake,
        // whose withheld caller sends no number: a phone that withholds it sends "anonymous", which is what
        // Asterisk hands pagerline. The only such caller of the suite (the harness knows a call by its number).
        // Nobody has a phone for Pat here: the carrier answers busy and the caller goes on to the message.
        AsteriskLab lab = AsteriskLab.get();
        String me = "anonymous";
        try (var call = lab.call(new Sipp.Caller(me).name("Anonymous").when("urgent-or-not").press("1")
                .when("priority").press("2")
                .when("callback-enter").press("2045550177#")
                .when("callback-confirm").press("1")
                .when("record").talk(ofSeconds(3)).press("#"))) {
            call.awaitSuccess(ofSeconds(150));
        } finally {
            lab.resolveIncidentsOf(me); // its pages would ring on for the rest of the suite
        }
        String timeline = lab.timelineText(me);
        String shown = AsteriskLab.shown(lab.steps(me)) + "\n" + timeline;
        assertEquals(1, lab.steps(me).stream().filter(s -> s.what().contains("pagerline/callback-confirm")).count(),
                "no caller ID to confirm; the keyed number confirmed once:\n" + shown);
        assertEquals("VOICEMAIL", lab.resultAtHangup(me), shown);
        var ticket = lab.ticketOf(me);
        assertEquals("+12045550177", ticket.callbackNumber(), shown);
        var incident = lab.incidentsOf(ticket.id()).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no incident:\n" + shown));
        assertEquals("+12045550177", incident.callbackNumber(), shown);
    }
}
