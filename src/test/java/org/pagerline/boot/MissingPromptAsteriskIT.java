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
 * A PBX missing one of pagerline's prompts: the caller misses its words, never the call. It removes
 * pagerline/connecting from a lab's PBX for the length of its test, so it takes a lab the main lab's
 * urgent callers do not use ({@link AsteriskLab#LAB_C}, held: that lab's other classes wait).
 */
@Tag("asterisk")
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(AsteriskLab.LAB_C)
class MissingPromptAsteriskIT {

    @Test
    void aMissingPromptCostsOnlyItsWords() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        Path wav = lab.sounds().resolve("pagerline/connecting.wav");
        Path aside = wav.resolveSibling("connecting.wav.removed-by-test");
        Files.move(wav, aside, StandardCopyOption.REPLACE_EXISTING);
        try {
            String me = lab.newCaller();
            try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                            .press("1").pause(ofSeconds(2)).hangUp(), me);
                    var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").press("1").when("priority").press("1")
                            .thenWaitAtMost(ofSeconds(40)))) {
                pat.awaitSuccess(ofSeconds(60));
                call.awaitSuccess(ofSeconds(60));
            }
            assertFalse(lab.reachedFallback(me), "no fallback for a missing prompt:\n" + String.join("\n", lab.dialplan(me)));
            assertEquals("CONNECTED", lab.resultAtHangup(me), lab.timelineText(me));
        } finally {
            Files.move(aside, wav, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // Asterisk 22's GET DATA gives up on a prompt it cannot open before listening for keys, and
    // answers result=-1, as for a hang-up: the menu must still hear the caller's key.
    @Test
    void aMissingMenuPromptStillHearsTheCallersKey() throws Exception {
        AsteriskLab lab = AsteriskLab.get(AsteriskLab.LAB_C);
        Path wav = lab.sounds().resolve("pagerline/urgent-or-not.wav");
        Path aside = wav.resolveSibling("urgent-or-not.wav.removed-by-test");
        Files.move(wav, aside, StandardCopyOption.REPLACE_EXISTING);
        try {
            String me = lab.newCaller();
            try (var pat = lab.phone(new Sipp.Phone(AsteriskLab.PAT).answerAfter(ofSeconds(1)).pause(ofSeconds(5).plusMillis(500))
                            .press("1").pause(ofSeconds(2)).hangUp(), me);
                    // the cue comes with the failed GET DATA; the key a moment later, as a caller who
                    // hears nothing would press it
                    var call = lab.call(new Sipp.Caller(me).when("urgent-or-not").pause(ofMillis(1500)).press("1")
                            .when("priority").press("1").thenWaitAtMost(ofSeconds(40)))) {
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
