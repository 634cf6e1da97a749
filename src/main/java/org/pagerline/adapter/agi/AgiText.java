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
        StringBuilder b = new StringBuilder(16 + app.length() + args.length());
        b.append("EXEC ");
        quote(b, app);
        b.append(' ');
        quote(b, args);
        return new AgiText(b.toString());
    }

    /** As {@code new SetVariableCommand(name, value)}. */
    static AgiText set(String name, String value) {
        StringBuilder b = new StringBuilder(20 + name.length() + (value == null ? 0 : value.length()));
        b.append("SET VARIABLE ");
        quote(b, name);
        b.append(' ');
        quote(b, value);
        return new AgiText(b.toString());
    }

    /** As {@code new GetVariableCommand(name)}. */
    static AgiText get(String name) {
        StringBuilder b = new StringBuilder(16 + name.length());
        b.append("GET VARIABLE ");
        quote(b, name);
        return new AgiText(b.toString());
    }

    /** As {@code new SayDigitsCommand(digits)}: no escape digits. */
    static AgiText sayDigits(String digits) {
        StringBuilder b = new StringBuilder(16 + digits.length());
        b.append("SAY DIGITS ");
        quote(b, digits);
        b.append(' ');
        quote(b, "");
        return new AgiText(b.toString());
    }

    /** As {@code new VerboseCommand(message, level)}. */
    static AgiText verbose(String message, int level) {
        StringBuilder b = new StringBuilder(16 + message.length());
        b.append("VERBOSE ");
        quote(b, message);
        b.append(' ').append(level);
        return new AgiText(b.toString());
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
