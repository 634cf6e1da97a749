package org.pagerline.service;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.pagerline.core.incident.Escalator;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.page.Channel;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.roster.Technician;

/** The words of every page and reply. One place, so the wording stays consistent. */
final class PageTexts {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");

    private PageTexts() {}

    static String time(Instant at, ZoneId zone) {
        return at == null ? "?" : HM.format(at.atZone(zone));
    }

    private static String prio(Incident i) {
        return i.priority() == null ? "" : i.priority().name() + " ";
    }

    private static String callback(Incident i) {
        return i.callbackNumber() == null ? "no call-back number left" : "call back " + i.callbackNumber();
    }

    /** A step's page. SMS: short, with the reply code. Voice: what the call says before the recording. */
    static String page(Incident i, Channel channel, Technician to) {
        long code = i.id();
        if (channel == Channel.VOICE) {
            return spoken(i);
        }
        boolean message = i.recording() != null && !i.recording().isBlank();
        return "pagerline " + prio(i) + "ticket " + i.ticketId() + ": " + i.who()
                + (message ? " left an urgent message at " + time(i.openedAt(), to.zone())
                        : " called urgently at " + time(i.openedAt(), to.zone()) + " and hung up before leaving a message")
                + "; " + callback(i) + ". Reply " + code + "a to take it, " + code
                + "c once you called, " + code + "e to pass it on.";
    }

    /** What a paging call carrying {@code waiting} incidents says first: their number, key 9, then the first one. */
    static String spoken(Incident i, int waiting) {
        return waiting <= 1 ? spoken(i) : "Urgent page from pagerline. " + waiting + " urgent incidents are waiting for"
                + " you. Press 9 at any time to take them all. The first one: " + spoken(i).substring(
                        "Urgent page from pagerline. ".length());
    }

    static String spoken(Incident i) {
        String about = i.priority() == null ? "" : ", about " + i.priority().meaning();
        return "Urgent page from pagerline. " + i.who() + " called" + about + ". Ticket " + i.ticketId() + ". "
                + (i.callbackNumber() == null ? "No call-back number was left. " : "Call-back number " + i.callbackNumber() + ". ")
                + (i.recording() != null && !i.recording().isBlank() ? "Their message follows." : "No message was left.");
    }

    static final String KEYS = "Press 1 to acknowledge and be connected to the caller now, 4 to acknowledge, "
            + "5 to pass it on, or star to hear this again.";

    static final String NOTICE_KEYS = "This is a notice: there is nothing to take on this call. Press 4 if you heard it,"
            + " or star to hear it again.";

    /**
     * What a call says of a notice: its text's words, less the "pagerline" they open with and the
     * reply codes they end with (those are for texts), after saying that it is a notice.
     */
    static String spokenNotice(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("pagerline ")) {
            t = t.substring("pagerline ".length());
        }
        int reply = t.indexOf(" Reply ");
        if (reply >= 0) {
            t = t.substring(0, reply);
        }
        return "Notice from pagerline. " + t;
    }

    /** The late call-back, service-level and who-took-it notices. */
    static String notice(Incident i, Escalator.Kind kind, Technician to, java.time.Duration deadline) {
        String owner = i.ownerName() == null ? "nobody has taken it yet" : "taken by " + i.ownerName();
        return switch (kind) {
            case CALLBACK_LATE -> "pagerline LATE ticket " + i.ticketId() + ": " + i.who() + " was not called back within "
                    + minutes(deadline) + " of the voicemail (" + owner + "); " + callback(i) + ". Reply " + i.id()
                    + "c once called" + (i.ownerName() == null ? ", " + i.id() + "a to take it." : ".");
            case SLA_APPROACHING -> "pagerline " + prio(i) + "ticket " + i.ticketId() + ": respond-by deadline "
                    + time(i.respondBy(), to.zone()) + " is near and " + i.who() + " is not called back yet (" + owner + ").";
            case SLA_MISSED -> "pagerline " + prio(i) + "ticket " + i.ticketId() + ": respond-by deadline "
                    + time(i.respondBy(), to.zone()) + " MISSED; " + i.who() + " not called back (" + owner + ").";
            case STEP -> page(i, Channel.SMS, to);
        };
    }

    /**
     * One text for several urgent messages to one phone (a bundle): who took which incidents, then
     * the incidents still asking for someone. "pagerline: Pat took incidents 12, 13 (no action needed).
     * 3 urgent incidents: 14 Acme P1, 15 Zeta P2, 16 Jane Doe P3; reply 14a, or aa to take all."
     * With one incident asking, its own page's words follow.
     */
    static String bundle(Stores s, java.util.List<Page> pages) {
        // sets and one read per incident: an outage's bundle carries hundreds of pages
        java.util.Map<String, java.util.Set<Long>> took = new java.util.LinkedHashMap<>();
        java.util.Map<Long, Incident> askingById = new java.util.LinkedHashMap<>();
        java.util.Map<Long, Optional<Incident>> read = new java.util.HashMap<>();
        Technician to = null;
        for (Page p : pages) {
            Incident i = read.computeIfAbsent(p.incidentId(), id -> s.incidents().find(id)).orElse(null);
            if (i == null) {
                continue;
            }
            if (to == null && p.technicianId() != null) {
                to = s.roster().technician(p.technicianId()).orElse(null);
            }
            if (p.kind() == PageKind.PAGE) {
                askingById.putIfAbsent(i.id(), i);
            } else {
                took.computeIfAbsent(i.ownerName() == null ? "someone" : i.ownerName(), k -> new java.util.LinkedHashSet<>())
                        .add(i.id());
            }
        }
        java.util.List<Incident> asking = new java.util.ArrayList<>(askingById.values());
        StringBuilder b = new StringBuilder("pagerline: ");
        if (!took.isEmpty()) {
            b.append(String.join("; ", took.entrySet().stream().map(e -> e.getKey() + " took incident"
                    + (e.getValue().size() == 1 ? " " : "s ") + ids(e.getValue())).toList())).append(" (no action needed).");
            if (!asking.isEmpty()) {
                b.append(' ');
            }
        }
        if (asking.size() == 1) {
            String one = to == null ? "" : page(asking.get(0), Channel.SMS, to);
            b.append(took.isEmpty() ? one.substring("pagerline ".length()) : one);
        } else if (!asking.isEmpty()) {
            asking.sort(java.util.Comparator.comparingLong(Incident::id));
            b.append(asking.size()).append(" urgent incidents: ");
            String end = "; reply " + asking.get(0).id() + "a, or aa to take all.";
            // one text (Page.MAX_TEXT, well under a carrier's 1,600): those that do not fit are counted
            for (int n = 0; n < asking.size(); n++) {
                Incident i = asking.get(n);
                String item = (n == 0 ? "" : ", ") + i.id() + " " + label(i) + (i.priority() == null ? "" : " " + i.priority().name());
                int after = asking.size() - n - 1;
                if (n > 0 && b.length() + item.length() + (after > 0 ? more(after).length() : 0) + end.length() > Page.MAX_TEXT) {
                    b.append(more(asking.size() - n));
                    break;
                }
                b.append(item);
            }
            b.append(end);
        }
        return b.toString();
    }

    /** Incident ids in order, at most {@link #TOOK_LISTED} of them, the rest counted. */
    private static String ids(java.util.Set<Long> ids) {
        java.util.List<String> sorted = ids.stream().sorted().map(String::valueOf).toList();
        return sorted.size() <= TOOK_LISTED ? String.join(", ", sorted)
                : String.join(", ", sorted.subList(0, TOOK_LISTED)) + " and " + (sorted.size() - TOOK_LISTED) + " more";
    }

    /** How many incidents one "who took them" line names in a bundle's text. */
    static final int TOOK_LISTED = 20;

    private static String more(int n) {
        return ", and " + n + " more on the console";
    }

    /** An incident in a list: its company, else the caller. */
    private static String label(Incident i) {
        if (i.company() != null && !i.company().isBlank()) {
            return i.company();
        }
        return i.callerName() != null && !i.callerName().isBlank() ? i.callerName()
                : i.callerNumber() == null ? "unknown caller" : i.callerNumber();
    }

    /**
     * One text for the notices waiting for one phone (a digest): how many, then each one's words
     * without the "pagerline" they start with, oldest first, a repeat counted rather than said again.
     * What does not fit in one text is counted, for the console. "pagerline: 3 notices: P3 ticket 7:
     * Jane Doe (Acme) left ANOTHER urgent message; call back +12045559999. Reply 4c once called. (x2)
     * | LATE ticket 9: ..."
     */
    static String digest(java.util.List<Page> notices) {
        if (notices.size() == 1) {
            return notices.get(0).text();
        }
        java.util.Map<String, Integer> said = new java.util.LinkedHashMap<>();
        for (Page p : notices) {
            String t = p.text() == null ? "" : p.text().strip();
            t = t.startsWith("pagerline: ") ? t.substring("pagerline: ".length())
                    : t.startsWith("pagerline ") ? t.substring("pagerline ".length()) : t;
            said.merge(t, 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder("pagerline: ").append(notices.size()).append(" notices: ");
        int left = notices.size();   // notices not yet said
        boolean first = true;
        for (var e : said.entrySet()) {
            String item = (first ? "" : " | ") + e.getKey() + (e.getValue() > 1 ? " (x" + e.getValue() + ")" : "");
            int after = left - e.getValue();
            String tail = after > 0 ? " | and " + after + " more on the console." : "";
            if (b.length() + item.length() + tail.length() > Page.MAX_TEXT) {
                return b.append(first ? "" : " | ").append("and ").append(left).append(" more on the console.").toString();
            }
            b.append(item);
            first = false;
            left = after;
        }
        return b.toString();
    }

    static String taken(Incident i, String by) {
        return "pagerline ticket " + i.ticketId() + ": " + by + " took incident " + i.id() + " (" + i.who()
                + "). No action needed.";
    }

    /**
     * A later urgent call on an incident someone is working: what changed. {@code message} false
     * when the caller hung up before leaving one (the incident keeps its earlier recording).
     */
    static String voicemailAgain(Incident i, Incident before, boolean message) {
        boolean higher = i.priority() != before.priority();
        return "pagerline " + prio(i) + "ticket " + i.ticketId() + ": " + i.who()
                + (message ? " left ANOTHER urgent message" : " called again, urgent, and hung up with no message")
                + (higher ? " (now " + i.priority().name() + ")" : "") + "; " + callback(i) + ". Reply " + i.id()
                + "c once called" + (i.ownerName() == null ? ", " + i.id() + "a to take it." : ".");
    }

    static String minutes(java.time.Duration d) {
        return d.toMinutes() + " min";
    }
}
