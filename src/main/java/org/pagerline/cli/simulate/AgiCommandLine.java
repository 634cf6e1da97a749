package org.pagerline.cli.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One AGI command as the script sent it ({@code GET DATA "pagerline/x" 6000 1}): the verb (one or
 * two words, upper case) and its arguments with quotes removed.
 */
public record AgiCommandLine(String raw, String verb, List<String> args) {

    private static final List<String> TWO_WORD = List.of("STREAM", "GET", "SET", "SAY", "RECORD", "WAIT", "CHANNEL",
            "DATABASE", "CONTROL", "SEND", "RECEIVE", "SPEECH", "TDD");

    public static AgiCommandLine parse(String raw) {
        List<String> words = split(raw);
        if (words.isEmpty()) {
            return new AgiCommandLine(raw, "", List.of());
        }
        String first = words.get(0).toUpperCase(Locale.ROOT);
        int n = TWO_WORD.contains(first) && words.size() > 1 ? 2 : 1;
        String verb = n == 2 ? first + " " + words.get(1).toUpperCase(Locale.ROOT) : first;
        return new AgiCommandLine(raw, verb, List.copyOf(words.subList(n, words.size())));
    }

    public String arg(int i) {
        return i < args.size() ? args.get(i) : "";
    }

    /** Splits on spaces, honouring double quotes and backslash escapes inside them. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any || cur.length() > 0) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any || cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
