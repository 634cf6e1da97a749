package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.asteriskjava.fastagi.command.ExecCommand;
import org.asteriskjava.fastagi.command.GetDataCommand;
import org.asteriskjava.fastagi.command.RecordFileCommand;
import org.asteriskjava.fastagi.command.GetVariableCommand;
import org.asteriskjava.fastagi.command.SayDigitsCommand;
import org.asteriskjava.fastagi.command.SetVariableCommand;
import org.asteriskjava.fastagi.command.VerboseCommand;
import org.junit.jupiter.api.Test;

/** The lines the support line sends are, byte for byte, what asterisk-java's own command classes send. */
class AgiTextTest {
    private static final List<String> VALUES = Arrays.asList(null, "", "pagerline/greeting", "Playback",
            "say \"hi\"", "back\\slash", "C:\\\\dir\\\"q\"", "two\nlines\r\n", "\n", "\"", "\\", "a,b,c",
            "urgent-or-not|2|1", "Ünïcödé ☎", "  spaced  ", "$(ticket)", "'single'");

    @Test
    void execLinesAreAsteriskJavasOwn() {
        for (String app : List.of("Playback", "Dial", "Queue", "we\"ird\\")) {
            for (String args : VALUES) {
                if (args == null) {
                    continue; // refused: asterisk-java would send the word null
                }
                assertEquals(new ExecCommand(app, args).buildCommand(), AgiText.exec(app, args).buildCommand(),
                        "EXEC " + app + " with " + args);
            }
        }
    }

    @Test
    void variableLinesAreAsteriskJavasOwn() {
        for (String name : List.of("PAGERLINE_STEP", "PLAYBACKSTATUS", "x\"y")) {
            assertEquals(new GetVariableCommand(name).buildCommand(), AgiText.get(name).buildCommand());
            for (String value : VALUES) {
                assertEquals(new SetVariableCommand(name, value).buildCommand(), AgiText.set(name, value).buildCommand(),
                        "SET VARIABLE " + name + " to " + value);
            }
        }
    }

    @Test
    void digitsAndVerboseLinesAreAsteriskJavasOwn() {
        for (String v : VALUES) {
            if (v == null) {
                continue;
            }
            assertEquals(new SayDigitsCommand(v).buildCommand(), AgiText.sayDigits(v).buildCommand(), "SAY DIGITS " + v);
            assertEquals(new VerboseCommand(v, 3).buildCommand(), AgiText.verbose(v, 3).buildCommand(), "VERBOSE " + v);
        }
    }

    @Test
    void getDataAndRecordFileLinesAreAsteriskJavasOwn() {
        for (String file : VALUES) {
            for (long timeout : new long[] {0, 5000, 12_345_678_901L}) {
                for (int digits : new int[] {1, 10, 1024}) {
                    assertEquals(new GetDataCommand(file, timeout, digits).buildCommand(),
                            AgiText.getData(file, timeout, digits).buildCommand(), "GET DATA " + file + " " + timeout + " " + digits);
                }
                for (int digits : new int[] {0, 1025}) {   // refused by both
                    int d = digits;
                    long t = timeout;
                    assertThrows(IllegalArgumentException.class, () -> new GetDataCommand(file, t, d));
                    assertThrows(IllegalArgumentException.class, () -> AgiText.getData(file, t, d));
                }
            }
            for (String escape : List.of("#", "", "0123456789*#")) {
                for (boolean beep : new boolean[] {true, false}) {
                    assertEquals(new RecordFileCommand(file, "wav", escape, 120_000, 0, beep, 5).buildCommand(),
                            AgiText.recordFile(file, "wav", escape, 120_000, 0, beep, 5).buildCommand(), "RECORD FILE " + file);
                    assertEquals(new RecordFileCommand(file, "gsm", escape, -1, 80, beep, 0).buildCommand(),
                            AgiText.recordFile(file, "gsm", escape, -1, 80, beep, 0).buildCommand(), "RECORD FILE " + file);
                }
            }
        }
    }

    @Test
    void quotingEscapesBackslashesAndQuotesAndDropsLineBreaks() {
        assertEquals("SET VARIABLE \"X\" \"a\\\\b \\\"c\\\" de\"", AgiText.set("X", "a\\b \"c\" d\ne").buildCommand());
        assertEquals("EXEC \"Playback\" \"\"", AgiText.exec("Playback", "").buildCommand());
        assertEquals("SET VARIABLE \"X\" \"\"", AgiText.set("X", null).buildCommand());
    }
}
