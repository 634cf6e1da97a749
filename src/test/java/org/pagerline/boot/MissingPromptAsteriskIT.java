package org.pagerline.boot;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A PBX missing one of pagerline's prompts: the caller misses its words, never the call. Each test
 * removes one prompt (a played one, pagerline/connecting; a menu's, pagerline/urgent-or-not) from a
 * lab's PBX for the length of its call, so it takes a lab the main lab's urgent callers do not use
 * ({@link AsteriskLab#LAB_C}, held: that lab's other classes wait).
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(AsteriskLab.LAB_C)
class MissingPromptAsteriskIT {

    @Test
    void aMissingPromptCostsOnlyItsWords() throws Exception {
        callPatWithout("pagerline/connecting.wav", new Sipp.Caller(lab().newCaller()).when("urgent-or-not").press("1")
                .when("priority").press("1"));
    }

    // Asterisk 22's GET DATA gives up on a prompt it cannot open before listening for keys, and
    // answers result=-1, as for a hang-up: the menu must still hear the caller's key.
    @Test
    void aMissingMenuPromptStillHearsTheCallersKey() throws Exception {
        // the cue comes with the failed GET DATA; the key a moment later, as a caller who hears nothing would press it
        callPatWithout("pagerline/urgent-or-not.wav", new Sipp.Caller(lab().newCaller()).when("urgent-or-not")
                .pause(ofMillis(1500)).press("1").when("priority").press("1"));
    }

    private static AsteriskLab lab() {
        return AsteriskLab.get(AsteriskLab.LAB_C);
    }

    /**
     * With {@code prompt} taken out of the PBX for the call, an urgent caller still reaches Pat, who
     * answers and presses 1, and the call ends as connected, never in the fallback.
     */
    private static void callPatWithout(String prompt, Sipp.Caller caller) throws Exception {
        AsteriskLab lab = lab();
        Path wav = lab.sounds().resolve(prompt);
        Path aside = wav.resolveSibling(wav.getFileName() + ".removed-by-test");
        Files.move(wav, aside, StandardCopyOption.REPLACE_EXISTING);
        try {
            String me = caller.number();
            try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                            .press("1").pause(ofSeconds(2)).hangUp(), me);
                    var call = lab.call(caller.thenWaitAtMost(ofSeconds(40)))) {
                pat.awaitSuccess(ofSeconds(60));
                call.awaitSuccess(ofSeconds(60));
            }
            assertFalse(lab.reachedFallback(me), "no fallback for a missing prompt:\n" + String.join("\n", lab.dialplan(me)));
            assertEquals("CONNECTED", lab.resultAtHangup(me), lab.timelineText(me));
        } finally {
            Files.move(aside, wav, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
