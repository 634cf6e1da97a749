package org.pagerline.dialplan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The extensions.conf dialplan held in a set of {@link AsteriskConf} files: contexts, their
 * extensions ({@code exten => name,prio(label),App(args)} and {@code same => prio,App(args)}) and
 * each step's application and arguments. Malformed priorities are collected in {@link #problems}.
 */
final class Dialplan {
    record Step(String priority, String label, String app, String args, AsteriskConf.Where where) {}

    record Extension(String name, List<Step> steps) {}

    record Context(String name, AsteriskConf.Where where, Map<String, Extension> extensions) {}

    private static final Pattern PRIORITY = Pattern.compile("^(\\d+|n|hint)(?:\\(([A-Za-z0-9_-]+)\\))?$");

    final Map<String, Context> contexts = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();

    void add(AsteriskConf conf) {
        for (AsteriskConf.Section s : conf.sections) {
            if (contexts.containsKey(s.name())) {
                problems.add(s.where() + ": context [" + s.name() + "] is defined again (first at "
                        + contexts.get(s.name()).where() + "); Asterisk would merge them silently");
                continue;
            }
            Context ctx = new Context(s.name(), s.where(), new LinkedHashMap<>());
            contexts.put(s.name(), ctx);
            Extension last = null;
            for (AsteriskConf.Entry e : s.entries()) {
                switch (e.key().toLowerCase(java.util.Locale.ROOT)) {
                    case "exten" -> {
                        int comma = e.value().indexOf(',');
                        if (comma <= 0) {
                            problems.add(e.where() + ": exten without name,priority,application: '" + e.value() + "'");
                            continue;
                        }
                        String name = e.value().substring(0, comma).strip();
                        last = ctx.extensions().computeIfAbsent(name, n -> new Extension(n, new ArrayList<>()));
                        step(last, e.value().substring(comma + 1), e.where());
                    }
                    case "same" -> {
                        if (last == null) {
                            problems.add(e.where() + ": 'same =>' before any 'exten =>' in [" + s.name() + "]");
                            continue;
                        }
                        step(last, e.value(), e.where());
                    }
                    case "include", "switch", "ignorepat" -> { }
                    default -> problems.add(e.where() + ": '" + e.key() + "' is not a dialplan keyword (exten, same, include, switch, ignorepat)");
                }
            }
        }
    }

    private void step(Extension ext, String rest, AsteriskConf.Where where) {
        int comma = rest.indexOf(',');
        if (comma <= 0) {
            problems.add(where + ": a step needs priority,Application(args): '" + rest.strip() + "'");
            return;
        }
        String prio = rest.substring(0, comma).strip();
        Matcher m = PRIORITY.matcher(prio);
        if (!m.matches()) {
            problems.add(where + ": priority '" + prio + "' of extension " + ext.name() + " is neither a number nor n (optionally with a (label))");
            return;
        }
        String call = rest.substring(comma + 1).strip();
        int paren = call.indexOf('(');
        String app;
        String args;
        if (paren < 0) {
            app = call;
            args = "";
        } else {
            if (!call.endsWith(")")) {
                problems.add(where + ": application call '" + call + "' does not end with ')'");
                return;
            }
            app = call.substring(0, paren).strip();
            args = call.substring(paren + 1, call.length() - 1);
        }
        String p = m.group(1);
        if (ext.steps().isEmpty() && !p.equals("1") && !p.equals("hint")) {
            problems.add(where + ": extension " + ext.name() + " starts at priority '" + p + "'; the first priority must be 1");
        } else if (!ext.steps().isEmpty() && p.equals("1")) {
            problems.add(where + ": extension " + ext.name() + " has priority 1 twice (first at " + ext.steps().get(0).where() + ")");
        } else if (!ext.steps().isEmpty() && !p.equals("n") && !p.equals("hint")) {
            String prev = ext.steps().get(ext.steps().size() - 1).priority();
            if (!prev.equals("n") && Integer.parseInt(p) != Integer.parseInt(prev) + 1) {
                problems.add(where + ": extension " + ext.name() + " jumps from priority " + prev + " to " + p);
            }
        }
        String label = m.group(2);
        if (label != null) {
            for (Step s : ext.steps()) {
                if (label.equals(s.label())) {
                    problems.add(where + ": label (" + label + ") of extension " + ext.name() + " is also at " + s.where());
                }
            }
        }
        ext.steps().add(new Step(p, label, app, args, where));
    }

    /** The extension {@code exten} dials into in {@code context}: a literal name, else the first pattern that matches. */
    Extension find(String context, String exten) {
        Context c = contexts.get(context);
        if (c == null) {
            return null;
        }
        Extension e = c.extensions().get(exten);
        if (e != null) {
            return e;
        }
        for (Extension x : c.extensions().values()) {
            if (x.name().startsWith("_") && matches(x.name().substring(1), exten)) {
                return x;
            }
        }
        return null;
    }

    /** Asterisk's extension patterns: X, Z, N, [..], '.' (one or more), '!' (zero or more); literals otherwise. */
    static boolean matches(String pattern, String exten) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            switch (Character.toUpperCase(ch)) {
                case 'X' -> re.append("[0-9]");
                case 'Z' -> re.append("[1-9]");
                case 'N' -> re.append("[2-9]");
                case '.' -> re.append(".+");
                case '!' -> re.append(".*");
                case '[' -> {
                    int end = pattern.indexOf(']', i);
                    re.append(pattern, i, end + 1);
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return exten.matches(re.toString());
    }
}
