package org.pagerline.adapter.agi;

import org.asteriskjava.AsteriskVersion;
import org.asteriskjava.fastagi.command.AgiCommand;

/**
 * An AGI command line built here, character for character what asterisk-java's own command
 * classes build ({@code EXEC}, {@code SET VARIABLE}, {@code GET VARIABLE}, {@code SAY DIGITS},
 * {@code VERBOSE}). Those quote each argument with three regular expressions compiled on every
 * call and a {@code String.format}: a sixth of the line's own CPU on a 51-command call. Here the
 * quoting is one pass over the characters.
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
