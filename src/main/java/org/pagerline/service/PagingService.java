package org.pagerline.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pagerline.core.incident.Incident;
import org.pagerline.core.incident.IncidentLife;
import org.pagerline.core.page.PageKey;
import org.pagerline.core.page.PageKind;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.Notice;
import org.pagerline.core.page.Page;
import org.pagerline.core.page.SmsCommand;
import org.pagerline.core.roster.Technician;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What paged people do about a page, as the channel adapters hand it over: SMS replies, keys on
 * the paging call, delivery reports. Every known sender gets a sentence back; a late, repeated or
 * stale response is answered and changes nothing.
 */
public final class PagingService implements PageResponses {
    private static final Logger log = LoggerFactory.getLogger(PagingService.class);
    private final Transactions tx;
    private final Clock clock;
    private final Runnable kick;
    private final Acknowledgements acks;
    private final DeliveryOutcomes outcomes;

    public PagingService(Transactions tx, Clock clock, DeliveryPolicy delivery, Runnable kick) {
        this(tx, clock, delivery, kick, Metrics.NONE);
    }

    /** With the tickets on the default service levels ({@link TicketService#TicketService(Transactions, Clock)}). */
    public PagingService(Transactions tx, Clock clock, DeliveryPolicy delivery, Runnable kick, Metrics metrics) {
        this(tx, clock, delivery, kick, metrics, new TicketService(tx, clock));
    }

    /** @param tickets acknowledges an incident's ticket with the incident */
    public PagingService(Transactions tx, Clock clock, DeliveryPolicy delivery, Runnable kick, Metrics metrics,
            TicketService tickets) {
        this.tx = tx;
        this.clock = clock;
        this.kick = kick;
        this.acks = new Acknowledgements(tx, clock, kick, metrics, tickets);
        this.outcomes = new DeliveryOutcomes(delivery);
    }

    static final String HELP = "pagerline: reply with the code and a letter: 12a to take incident 12, 12c once you"
            + " called the caller back, 12e to pass it on. A bare 'a' takes your newest open page; a bare 'c' or 'e'"
            + " works while only one incident awaits you.";

    @Override
    public String onSmsReply(String fromE164, SmsCommand cmd) {
        Optional<Technician> sender = tx.inTransaction(s -> s.roster().technicianByPhone(fromE164));
        if (sender.isEmpty()) {
            log.info("SMS from unknown number {} ignored", fromE164);
            return "";
        }
        Technician t = sender.get();
        Instant now = clock.instant();
        switch (cmd.action()) {
            case STOP:
                tx.run(s -> s.pages().optOut(fromE164, now));
                log.info("{} ({}) opted out of SMS", t.name(), fromE164);
                return "pagerline: no more texts to this phone; pages will come by voice call. Reply START to resume.";
            case START:
                tx.run(s -> s.pages().optIn(fromE164));
                return "pagerline: texts to this phone are back on.";
            case HELP:
            case UNKNOWN:
                return HELP;
            case ACKNOWLEDGE_ALL:
                return acknowledgeAll(t, numbers(t, fromE164));
            default:
                break;
        }
        Meant meant = cmd.code() != null ? new Meant(Long.valueOf(cmd.code()), List.of(), null)
                : meant(t, fromE164, cmd.action());
        Long incidentId = meant.incidentId();
        if (incidentId == null && meant.candidates().isEmpty() && cmd.action() == SmsCommand.Action.CALLED_BACK) {
            return bareCallBackWithoutIncident(meant.newest());
        }
        if (incidentId == null && !meant.candidates().isEmpty()) {
            String letter = switch (cmd.action()) {
                case ACKNOWLEDGE -> "a";
                case CALLED_BACK -> "c";
                default -> "e";
            };
            List<String> codes = meant.candidates().stream().map(String::valueOf).toList();
            return "pagerline: which incident? Incidents " + String.join(", ", codes) + " await you. Reply with the code"
                    + " and the letter, e.g. " + codes.get(0) + letter + ".";
        }
        if (incidentId == null) {
            return "pagerline: you have no page to answer. " + HELP.substring("pagerline: ".length());
        }
        long id = incidentId;
        Acknowledgements.Outcome o = switch (cmd.action()) {
            case ACKNOWLEDGE -> acks.acknowledge(id, t, "SMS");
            case CALLED_BACK -> acks.calledBack(id, t, "SMS");
            default -> acks.passOn(id, asOfNewestPage(id, numbers(t, fromE164)), t, "SMS");
        };
        return smsAnswer(cmd.action(), o, incidentId);
    }

    /**
     * The incident a reply without a code means; or, when it could mean several, none and the
     * candidates; for a bare "c" that means none, the incident of the newest page handed to them.
     */
    private record Meant(Long incidentId, List<Long> candidates, Incident newest) {}

    /**
     * A bare letter: "c" means only the incident this sender acknowledged and has not yet called
     * back (never an incident they were merely paged for: nobody saw them call that caller); "a"
     * and "e" the open incident they were paged for (a page already handed over to them). "a" takes
     * the newest of those (the answer names it); for "c" and "e", which stop timers or move the
     * paging on, several candidates are ambiguous and the sender is asked for the code. None: the
     * newest page handed to them, so a late reply is answered with what became of it.
     */
    private Meant meant(Technician t, String from, SmsCommand.Action action) {
        List<String> numbers = numbers(t, from);
        return tx.inTransaction(s -> {
            List<Long> c = action == SmsCommand.Action.CALLED_BACK ? s.incidents().acknowledgedBy(t.id())
                    : s.pages().openIncidentsPagedTo(numbers);
            if (c.size() == 1 || (c.size() > 1 && action == SmsCommand.Action.ACKNOWLEDGE)) {
                return new Meant(c.get(0), c, null);
            }
            if (c.size() > 1) {
                return new Meant(null, c, null);
            }
            // a page not yet handed over (never claimed) is one they cannot be answering
            Optional<Incident> newest = s.pages().newestPageTo(numbers).filter(p -> p.claimedAt() != null)
                    .flatMap(p -> s.incidents().find(p.incidentId()));
            if (action == SmsCommand.Action.CALLED_BACK) {
                return new Meant(null, List.of(), newest.orElse(null));
            }
            return new Meant(newest.map(Incident::id).orElse(null), List.of(), null);
        });
    }

    private static List<String> numbers(Technician t, String from) {
        return new ArrayList<>(List.of(t.phone(), t.textPhone(), from)).stream().distinct().toList();
    }

    /**
     * The step an SMS pass-on speaks for: that of the newest page of the incident handed over to
     * the sender (what they are answering); null (the current step) when they were never paged for it.
     */
    private IncidentLife.AsOf asOfNewestPage(long incidentId, List<String> numbers) {
        return tx.inTransaction(s -> s.pages().forIncident(incidentId).stream()
                .filter(p -> p.kind() == PageKind.PAGE && p.claimedAt() != null && numbers.contains(p.to()))
                .reduce((a, b) -> b)
                .map(p -> new IncidentLife.AsOf(p.step(), p.cycle())).orElse(null));
    }

    /**
     * "aa": every incident of the newest text page handed to this phone, as of that page (a bundle:
     * the page and those it carried; a single page: its one incident). Each is acknowledged on its own;
     * the answer says which are now theirs and which someone else had already taken.
     */
    private String acknowledgeAll(Technician t, List<String> numbers) {
        List<Long> ids = tx.inTransaction(s -> s.pages().newestHandedOverTo(numbers, PageKind.PAGE, org.pagerline.core.page.Channel.SMS)
                .map(p -> {
                    List<Long> all = new ArrayList<>();
                    all.add(p.incidentId());
                    for (Page c : s.pages().carriedBy(p.id())) {
                        if (!all.contains(c.incidentId())) {
                            all.add(c.incidentId());
                        }
                    }
                    return all;
                }).orElse(List.of()));
        if (ids.isEmpty()) {
            return "pagerline: you have no page to answer. " + HELP.substring("pagerline: ".length());
        }
        List<Incident> mine = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (long id : ids) {
            Acknowledgements.Outcome o = acks.acknowledge(id, t, "SMS (aa, all of the page)");
            if (o.result() == Acknowledgements.Result.DONE || o.result() == Acknowledgements.Result.ALREADY_YOURS) {
                mine.add(o.incident());
            } else if (o.incident() != null) {
                others.add(IncidentLife.already(o.incident()));
            }
        }
        StringBuilder b = new StringBuilder("pagerline: ");
        if (mine.isEmpty()) {
            b.append("none of them changed: ");
        } else {
            b.append(mine.size() == 1 ? "incident " : mine.size() + " incidents ").append("yours: ");
            b.append(String.join("; ", mine.stream().map(i -> i.id() + " " + i.who() + " on "
                    + (i.callbackNumber() == null ? "(no number)" : i.callbackNumber())).toList()));
            b.append(". Reply ").append(mine.get(0).id()).append("c (and so on) once called back.");
            if (!others.isEmpty()) {
                b.append(" ");
            }
        }
        b.append(String.join("; ", others));
        return b.toString().trim();
    }

    /** A bare "c" from someone holding no acknowledged incident: changes nothing, asks for the code. */
    private static String bareCallBackWithoutIncident(Incident newest) {
        if (newest == null) {
            return "pagerline: you hold no incident awaiting a call-back. " + HELP.substring("pagerline: ".length());
        }
        long id = newest.id();
        String became = newest.state() == org.pagerline.core.incident.IncidentState.OPEN
                ? "incident " + id + " (ticket " + newest.ticketId() + ", " + newest.who() + ") still awaits someone"
                : "incident " + id + " is already " + IncidentLife.standing(newest);
        return "pagerline: you hold no incident awaiting a call-back, so a bare 'c' changes nothing; your newest page: "
                + became + ". If you called that caller back, reply " + id + "c.";
    }

    private static String smsAnswer(SmsCommand.Action action, Acknowledgements.Outcome o, long id) {
        Incident i = o.incident();
        switch (o.result()) {
            case NO_SUCH_INCIDENT:
                return "pagerline: there is no incident " + id + ". " + HELP.substring("pagerline: ".length());
            case DONE:
                return switch (action) {
                    case ACKNOWLEDGE -> "pagerline: incident " + id + " is yours (ticket " + i.ticketId() + "). Call "
                            + i.who() + " back on " + (i.callbackNumber() == null ? "their number" : i.callbackNumber())
                            + ", then reply " + id + "c.";
                    case CALLED_BACK -> "pagerline: thanks, call-back on incident " + id + " recorded. Paging stopped.";
                    default -> "pagerline: passing incident " + id + " on to the next person now.";
                };
            case ALREADY_YOURS:
                return "pagerline: " + IncidentLife.already(i) + "."
                        + (action == SmsCommand.Action.CALLED_BACK ? "" : " Reply " + id + "c once you have called back.");
            default:
                return "pagerline: " + IncidentLife.already(i) + ".";
        }
    }

    @Override
    public Optional<PageBrief> brief(long pageId) {
        return tx.inTransaction(s -> s.pages().find(pageId).flatMap(p -> {
            if (p.kind() == PageKind.NOTICE) {
                // late call-back, service level, who took it, another message; or a ticket's clock (no incident)
                Optional<Incident> i = p.incidentId() == 0 ? Optional.empty() : s.incidents().find(p.incidentId());
                String recording = p.notice() == Notice.ANOTHER_MESSAGE ? i.map(Incident::recording).orElse(null) : null;
                // a who-took-it notice written before notices were named is still one (its step says so)
                Notice what = p.notice() == null && p.step() == Page.TAKEN_STEP ? Notice.TAKEN : p.notice();
                return Optional.of(PageBrief.notice(pageId, p.incidentId(), p.ticketId(), PageTexts.spokenNotice(p.text()),
                        recording, i.map(Incident::callbackNumber).orElse(null), what));
            }
            return s.incidents().find(p.incidentId()).map(i -> {
                int waiting = 1 + (int) s.pages().carriedBy(pageId).stream().map(Page::incidentId)
                        .filter(id -> id != i.id()).distinct().count();
                return new PageBrief(pageId, i.id(), i.ticketId(), PageTexts.spoken(i, waiting), i.recording(),
                        i.callbackNumber(), waiting);
            });
        }));
    }

    @Override
    public Optional<Taken> takenBy(long pageId) {
        return tx.inTransaction(s -> s.pages().find(pageId).flatMap(p -> {
            Optional<Incident> incident = p.incidentId() == 0 ? Optional.empty() : s.incidents().find(p.incidentId());
            if (p.kind() == PageKind.NOTICE) {
                // a notice is not taken; it is no longer needed once a retry of it would not be sent
                return DeliveryOutcomes.unwanted(s, p, incident)
                        .map(why -> new Taken(null, incident.map(PagingService::stateWords).orElse("gone")));
            }
            return incident.filter(i -> i.state() != org.pagerline.core.incident.IncidentState.OPEN)
                    .filter(i -> i.ownerId() == null || !i.ownerId().equals(p.technicianId()))
                    .map(i -> new Taken(i.ownerName(), stateWords(i)));
        }));
    }

    /** "acknowledged", "called back": an incident's state as the call's log line says it. */
    private static String stateWords(Incident i) {
        return i.state().name().toLowerCase().replace('_', ' ');
    }

    @Override
    public KeyOutcome onPageKey(long pageId, PageKey key) {
        Optional<Page> page = tx.inTransaction(s -> s.pages().find(pageId));
        if (page.isEmpty() || page.get().technicianId() == null) {
            return new KeyOutcome("Sorry, this page is not known. Goodbye.", null, true);
        }
        Optional<Technician> tech = tx.inTransaction(s -> s.roster().technician(page.get().technicianId()));
        if (tech.isEmpty()) {
            return new KeyOutcome("Sorry, this page is not known. Goodbye.", null, true);
        }
        Page p = page.get();
        if (p.kind() == PageKind.NOTICE) {
            return noticeKey(pageId, key);
        }
        long incidentId = p.incidentId();
        Technician t = tech.get();
        switch (key) {
            case CONNECT_ME: {
                Acknowledgements.Outcome o = acks.acknowledge(incidentId, t, "key 1 on the paging call");
                if (o.result() != Acknowledgements.Result.DONE && o.result() != Acknowledgements.Result.ALREADY_YOURS) {
                    return staleKey(o);
                }
                String number = o.incident().callbackNumber();
                if (number == null || number.isBlank()) {
                    return new KeyOutcome("Acknowledged. The caller left no call-back number; see ticket "
                            + o.incident().ticketId() + ". Goodbye.", null, true);
                }
                // Acknowledged only: the call-back counts once the Dial connects (onConnected).
                return new KeyOutcome("Acknowledged. Connecting you to the caller now.", number, false);
            }
            case ACKNOWLEDGE: {
                Acknowledgements.Outcome o = acks.acknowledge(incidentId, t, "key 4 on the paging call");
                if (o.result() == Acknowledgements.Result.DONE || o.result() == Acknowledgements.Result.ALREADY_YOURS) {
                    Incident i = o.incident();
                    return new KeyOutcome("Acknowledged. Incident " + i.id() + " is yours. Please call "
                            + i.who() + " back" + (i.callbackNumber() == null ? "" : " on " + spell(i.callbackNumber()))
                            + ". Goodbye.", null, true);
                }
                return staleKey(o);
            }
            case ACKNOWLEDGE_ALL: {
                List<Long> ids = tx.inTransaction(s -> {
                    List<Long> all = new ArrayList<>(List.of(incidentId));
                    s.pages().carriedBy(pageId).stream().map(Page::incidentId).filter(id -> !all.contains(id))
                            .forEach(all::add);
                    return all;
                });
                List<String> mine = new ArrayList<>();
                for (long id : ids) {
                    Acknowledgements.Outcome o = acks.acknowledge(id, t, "key 9 on the paging call (all it carries)");
                    if (o.result() == Acknowledgements.Result.DONE || o.result() == Acknowledgements.Result.ALREADY_YOURS) {
                        mine.add(Long.toString(id));
                    }
                }
                if (mine.isEmpty()) {
                    return new KeyOutcome("These incidents were already taken. Nothing changed. Goodbye.", null, true);
                }
                return new KeyOutcome("Acknowledged. " + (mine.size() == 1 ? "Incident " + mine.get(0) + " is"
                        : "Incidents " + String.join(", ", mine) + " are") + " yours; the callers' numbers are in"
                        + " your text messages. Goodbye.", null, true);
            }
            case PASS_ON: {
                Acknowledgements.Outcome o = acks.passOn(incidentId, new IncidentLife.AsOf(p.step(), p.cycle()), t,
                        "key 5 on the paging call");
                return o.result() == Acknowledgements.Result.DONE
                        ? new KeyOutcome("Passing it on to the next person. Goodbye.", null, true) : staleKey(o);
            }
            case REPEAT: {
                Optional<PageBrief> b = brief(pageId);
                return new KeyOutcome(b.map(PageBrief::spokenIntro).orElse("") + " " + PageTexts.KEYS, null, false);
            }
            default:
                return new KeyOutcome(PageTexts.KEYS, null, false);
        }
    }

    /**
     * A key on a notice's call: it takes nothing (the SMS's reply codes are for texts). Key 4 says
     * it was heard, which delivers it; star plays it again; any other key is told so.
     */
    private KeyOutcome noticeKey(long pageId, PageKey key) {
        return switch (key) {
            case ACKNOWLEDGE -> new KeyOutcome("Thank you. Goodbye.", null, true);
            case REPEAT -> new KeyOutcome(brief(pageId).map(PageBrief::spokenIntro).orElse("") + " " + PageTexts.NOTICE_KEYS,
                    null, false);
            default -> new KeyOutcome(PageTexts.NOTICE_KEYS, null, false);
        };
    }

    @Override
    public void onConnected(long pageId, boolean connected, String detail) {
        Optional<Page> page = tx.inTransaction(s -> s.pages().find(pageId));
        Optional<Technician> tech = page.map(Page::technicianId)
                .flatMap(id -> tx.inTransaction(s -> s.roster().technician(id)));
        if (tech.isEmpty()) {
            log.info("call-back result for an unknown page {} ignored (connected={}, {})", pageId, connected, detail);
            return;
        }
        long incidentId = page.get().incidentId();
        Technician t = tech.get();
        if (connected) {
            // how it was told apart from a voicemail (the key, or how long they were connected) goes on
            // the ticket, as it does for a call-back that did not count
            acks.calledBack(incidentId, t, "connected to the caller from the paging call"
                    + (detail == null || detail.isBlank() ? "" : ": " + detail));
            return;
        }
        Instant now = clock.instant();
        tx.run(s -> s.incidents().find(incidentId).ifPresent(i -> s.tickets().addEvent(i.ticketId(), now,
                "CALLBACK_NOT_CONNECTED", t.name() + "'s call-back to " + i.callbackNumber()
                        + " from the paging call did not connect (" + detail + "); still waiting for the call-back")));
        log.info("page {}: call-back by {} did not connect ({})", pageId, t.name(), detail);
    }

    private static KeyOutcome staleKey(Acknowledgements.Outcome o) {
        if (o.incident() == null) {
            return new KeyOutcome("Sorry, this incident is not known. Goodbye.", null, true);
        }
        String already = IncidentLife.already(o.incident());
        return new KeyOutcome(Character.toUpperCase(already.charAt(0)) + already.substring(1).replace("; nothing changed",
                ". Nothing changed") + ". Thank you. Goodbye.", null, true);
    }

    private static String spell(String number) {
        return String.join(" ", number.replace("+", "").split(""));
    }

    @Override
    public void onDelivery(DeliveryReport r) {
        Instant now = clock.instant();
        boolean wake = tx.inTransaction(s -> {
            Optional<Page> found = r.pageId() > 0 ? s.pages().find(r.pageId())
                    : r.providerId() == null ? Optional.empty() : s.pages().findByProviderId(r.providerId());
            if (found.isEmpty()) {
                log.info("delivery report for an unknown page ignored: {}", r);
                return false;
            }
            Page p = found.get();
            if (r.pageId() > 0 && r.providerId() != null) {
                // the record is this page's even if its hand-over's answer is never written (see PageStore)
                s.pages().noteProviderRecord(r.providerId(), p.id(), now);
            }
            switch (p.state()) {
                case SENDING, SENT -> { }
                default -> {
                    log.info("late delivery report for page {} ({}) ignored: {}", p.id(), p.state(), r.outcome());
                    return false;
                }
            }
            // A report naming another hand-over is from an earlier attempt: SENT holds the current
            // attempt's provider id; SENDING still holds the previous attempt's, if any.
            if (r.providerId() != null && p.providerId() != null && (p.state() == org.pagerline.core.page.PageState.SENT
                    ? !r.providerId().equals(p.providerId()) : r.providerId().equals(p.providerId()))) {
                log.info("delivery report for page {} from an earlier attempt ({}, now {}) ignored: {}", p.id(),
                        r.providerId(), p.providerId(), r.outcome());
                return false;
            }
            String why = DeliveryOutcomes.why(r.errorCode(), r.detail());
            return switch (r.outcome()) {
                case DELIVERED -> {
                    if (s.pages().markDelivered(p.id())) {
                        s.tickets().addEvent(p.ticketId(), now, "PAGE_DELIVERED", DeliveryOutcomes.describe(p)
                                + (p.channel() == org.pagerline.core.page.Channel.VOICE ? " answered" : " delivered"));
                    }
                    yield false;
                }
                case NO_ANSWER -> outcomes.failed(s, p, DeliveryPolicy.Failure.TEMPORARY, "no answer: " + why, now).isPresent();
                case TEMPORARY_FAILURE -> outcomes.failed(s, p, DeliveryPolicy.Failure.TEMPORARY, why, now).isPresent();
                case PERMANENT_FAILURE -> outcomes.failed(s, p, DeliveryPolicy.Failure.PERMANENT, r.errorCode(), why, now)
                        .isPresent();
            };
        });
        if (wake) {
            kick.run();
        }
    }
}
