package org.pagerline.dialplan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Asterisk configuration file read the way Asterisk's config loader reads it: {@code [section]}
 * headers (with an optional {@code (!)} / {@code (template)} suffix), {@code key => value} and
 * {@code key = value} lines, {@code ;} comments ({@code \;} is a literal semicolon), {@code ;-- --;}
 * block comments, and {@code #include} / {@code #tryinclude}. Every item remembers its file and line
 * so that a lint failure can point at it. Sections of the same name are kept apart (pjsip.conf has
 * {@code [trunk]} as an aor and as an endpoint).
 */
final class AsteriskConf {
    record Where(String file, int line) {
        @java.lang.Override
        public String toString() {
            return file + ":" + line;
        }
    }

    record Entry(String key, String value, Where where) {}

    record Section(String name, Where where, List<Entry> entries) {
        /** The first value of {@code key}, or null. */
        String get(String key) {
            for (Entry e : entries) {
                if (e.key().equalsIgnoreCase(key)) {
                    return e.value();
                }
            }
            return null;
        }
    }

    record Include(String target, boolean optional, Where where) {}

    private static final Pattern SECTION = Pattern.compile("^\\[([^\\]]+)\\]\\s*(\\(.*\\))?$");
    private static final Pattern INCLUDE = Pattern.compile("^#(include|tryinclude)\\s+\"?([^\"]+?)\"?$");

    final Path path;
    final List<Section> sections = new ArrayList<>();
    final List<Include> includes = new ArrayList<>();
    /** Lines the parser could not read (each a failure of its own). */
    final List<String> problems = new ArrayList<>();

    private AsteriskConf(Path path) {
        this.path = path;
    }

    static AsteriskConf read(Path path) {
        AsteriskConf c = new AsteriskConf(path);
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String file = path.getFileName().toString();
        boolean inBlock = false;
        Section current = null;
        for (int i = 0; i < lines.size(); i++) {
            Where at = new Where(file, i + 1);
            String raw = lines.get(i);
            if (inBlock) {
                int end = raw.indexOf("--;");
                if (end < 0) {
                    continue;
                }
                raw = raw.substring(end + 3);
                inBlock = false;
            }
            int block = raw.indexOf(";--");
            if (block >= 0 && !escaped(raw, block)) {
                int end = raw.indexOf("--;", block + 3);
                if (end < 0) {
                    inBlock = true;
                    raw = raw.substring(0, block);
                } else {
                    raw = raw.substring(0, block) + raw.substring(end + 3);
                }
            }
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher inc = INCLUDE.matcher(line);
            if (inc.matches()) {
                c.includes.add(new Include(inc.group(2).strip(), inc.group(1).equals("tryinclude"), at));
                continue;
            }
            if (line.startsWith("#")) {
                c.problems.add(at + ": unknown directive '" + line + "' (Asterisk knows #include, #tryinclude, #exec)");
                continue;
            }
            Matcher sec = SECTION.matcher(line);
            if (sec.matches()) {
                current = new Section(sec.group(1).strip(), at, new ArrayList<>());
                c.sections.add(current);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                c.problems.add(at + ": neither [section], key = value nor #include: '" + line + "'");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1);
            if (value.startsWith(">")) {
                value = value.substring(1);
            }
            if (current == null) {
                c.problems.add(at + ": '" + key + "' before any [section]");
                continue;
            }
            current.entries().add(new Entry(key, value.strip().replace("\\;", ";"), at));
        }
        if (inBlock) {
            c.problems.add(file + ": a ;-- block comment is never closed with --;");
        }
        return c;
    }

    /** Sections by name; the first of a name wins (callers that care about duplicates use {@link #sections}). */
    Map<String, Section> byName() {
        Map<String, Section> m = new LinkedHashMap<>();
        for (Section s : sections) {
            m.putIfAbsent(s.name(), s);
        }
        return m;
    }

    private static String stripComment(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ';' && !escaped(s, i)) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    private static boolean escaped(String s, int i) {
        return i > 0 && s.charAt(i - 1) == '\\';
    }
}
