package org.pagerline.adapter.agi;

import org.asteriskjava.AsteriskVersion;
import org.asteriskjava.fastagi.command.AgiCommand;

/**
 * An AGI command line built here, character for character what asterisk-java's own command
 * classes build ({@code EXEC}, {@code SET VARIABLE}, {@code GET VARIABLE}, {@code SAY DIGITS},
 * {@code VERBOSE}, {@code GET DATA}, {@code RECORD FILE}). Those quote each argument with three
 * regular expressions compiled on every call and a {@code String.format}: a sixth of the line's own
 * CPU on a 51-command call. Here the quoting is one pass over the characters.
 */
final class AgiText implements AgiCommand {
    private final String line;

    private AgiText(String line) {
        this.line = line;
    }

    /** {@code EXEC app "args"}, as {@code new ExecCommand(app, args)}; no arguments: "". */
    static AgiText exec(String app, String args) {
        java.util.Objects.requireNonNull(args, "args (\"\" for none)"); // asterisk-java would send the word null
        return new AgiText(text("EXEC", app, args));
    }

    /** As {@code new SetVariableCommand(name, value)}. */
    static AgiText set(String name, String value) {
        return new AgiText(text("SET VARIABLE", name, value));
    }

    /** As {@code new GetVariableCommand(name)}. */
    static AgiText get(String name) {
        return new AgiText(text("GET VARIABLE", name));
    }

    /** As {@code new SayDigitsCommand(digits)}: no escape digits. */
    static AgiText sayDigits(String digits) {
        return new AgiText(text("SAY DIGITS", digits, ""));
    }

    /** As {@code new VerboseCommand(message, level)}. */
    static AgiText verbose(String message, int level) {
        return new AgiText(text("VERBOSE", message) + " " + level);
    }

    /** As {@code new GetDataCommand(file, timeoutMs, maxDigits)}. */
    static AgiText getData(String file, long timeoutMs, int maxDigits) {
        if (maxDigits < 1 || maxDigits > 1024) {
            throw new IllegalArgumentException("maxDigits must be in [1..1024]"); // as asterisk-java refuses it
        }
        StringBuilder b = new StringBuilder(64).append("GET DATA ");
        quote(b, file);
        if (maxDigits != 1024) {   // asterisk-java's "no limit": the arguments it then leaves out
            b.append(' ').append(timeoutMs).append(' ').append(maxDigits);
        } else if (timeoutMs != 0) {
            b.append(' ').append(timeoutMs);
        }
        return new AgiText(b.toString());
    }

    /** As {@code new RecordFileCommand(file, format, escapeDigits, timeoutMs, offset, beep, maxSilence)}. */
    static AgiText recordFile(String file, String format, String escapeDigits, int timeoutMs, int offset, boolean beep,
            int maxSilence) {
        StringBuilder b = new StringBuilder(96).append("RECORD FILE ");
        quote(b, file);
        b.append(' ');
        quote(b, format);
        b.append(' ');
        quote(b, escapeDigits);
        b.append(' ').append(timeoutMs).append(' ').append(offset);
        if (beep) {
            b.append(" BEEP");
        }
        return new AgiText(b.append(" s=").append(maxSilence).toString());
    }

    /** The verb, then each argument quoted, a space before each. */
    private static String text(String verb, String... args) {
        StringBuilder b = new StringBuilder(verb.length() + 48);
        b.append(verb);
        for (String a : args) {
            b.append(' ');
            quote(b, a);
        }
        return b.toString();
    }

    /**
     * asterisk-java's {@code escapeAndQuote}: a backslash and a double quote are escaped with a
     * backslash, line breaks ({@code \n}) dropped, the whole in double quotes; null is {@code ""}.
     */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '"' -> b.append("\\\"");
                    case '\n' -> { }
                    default -> b.append(c);
                }
            }
        }
        b.append('"');
    }

    @Override
    public String buildCommand() {
        return line;
    }

    @Override
    public void setAsteriskVersion(AsteriskVersion version) {
        // the same line for every version (as asterisk-java's classes build these)
    }

    @Override
    public String toString() {
        return line;
    }
}
