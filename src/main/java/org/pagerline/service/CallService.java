package org.pagerline.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallRecord;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.call.QueueEventText;
import org.pagerline.core.directory.Client;
import org.pagerline.core.roster.OnCallShift;
import org.pagerline.core.roster.Role;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.core.ticket.TicketStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The support line's bookkeeping: every call gets a ticket (new, or the caller's open one from the
 * last hours) and a call record keyed by Asterisk's unique id; every step the caller takes lands on
 * the ticket's timeline as it happens, so a hang-up at any point leaves what was gathered. The
 * FastAGI scripts decide nothing here: they ask the core for decisions and report what happened.
 * Also receives the AMI helper's queue events ({@link CallEvents}).
 */
public final class CallService implements CallEvents {
    private static final Logger log = LoggerFactory.getLogger(CallService.class);
    private final Transactions tx;
    private final TicketService tickets;
    private final PhoneNumbers phones;
    private final IncidentOpener incidents;
    private final Clock clock;
    private final Duration reuseWindow;
    private final Duration callbackDeadline;
    private final Set<String> callbackRegions;

    /**
     * @param callbackDeadline the urgent caller is called back this long after the message
     *                         (paging.callback-deadline: the engine's timer, the ticket and the prompt agree)
     * @param callbackRegions  countries (ISO codes) pagerline may call back (line.callback-regions)
     */
    public CallService(Transactions tx, TicketService tickets, PhoneNumbers phones, IncidentOpener incidents,
            Clock clock, Duration reuseWindow, Duration callbackDeadline, Set<String> callbackRegions) {
        this.tx = tx;
        this.tickets = tickets;
        this.phones = phones;
        this.incidents = incidents;
        this.clock = clock;
        this.reuseWindow = reuseWindow;
        this.callbackDeadline = callbackDeadline;
        this.callbackRegions = Set.copyOf(callbackRegions);
    }

    /**
     * A call as the script sees it once it has started.
     *
     * @param callerE164 the caller ID as an E.164 number, when it is one
     */
    public record CallStart(long callId, long ticketId, String callerId, Optional<String> callerE164,
            Optional<Client> client, boolean reusedTicket) {}

    /** What the desk looks like right now: open or not, who is primary, the calendar for read-outs. */
    public record Situation(Instant now, boolean deskOpen, Optional<Technician> primary, BusinessCalendar calendar) {}

    /**
     * Starts (or, for a unique id seen before, resumes) a call: identifies the caller and opens or
     * reuses their ticket. Throws {@link ValidationException} without writing anything when
     * Asterisk gave no unique id.
     */
    public CallStart start(String uniqueId, String channel, String callerIdNum, String callerIdName) {
        if (uniqueId == null || uniqueId.isBlank() || uniqueId.length() > 64) {
            throw new ValidationException("the call has no usable agi_uniqueid");
        }
        String raw = CallerIdText.number(callerIdNum);
        String cidName = CallerIdText.name(callerIdName);
        Optional<String> e164 = phones.toE164(raw);
        Optional<CallRecord> seen = tx.inTransaction(s -> s.calls().findByUniqueId(uniqueId));
        if (seen.isPresent()) {
            CallRecord c = seen.get();
            tickets.addEvent(c.ticketId(), "CALL_RESUMED", "the dialplan handed the same call to pagerline again");
            return new CallStart(c.id(), c.ticketId(), raw, e164, Optional.empty(), true);
        }
        Optional<Client> client = e164.flatMap(n -> tx.inTransaction(s -> s.clients().findByPhone(n)));
        String name = client.map(Client::contactName).orElse(blankToNull(cidName));
        String company = client.map(Client::company).orElse(null);
        String number = e164.orElse(raw.isEmpty() ? "unknown" : raw);
        String shownName = cidName;
        String shownChannel = CallerIdText.channel(channel);
        Ticket t = tickets.openOrReuse(TicketSource.PHONE, number, name, company, reuseWindow);
        Instant now = clock.instant();
        boolean reused = !t.openedAt().equals(now);
        CallRecord call = tx.inTransaction(s -> {
            CallRecord c = s.calls().insert(new CallRecord(0, uniqueId, t.id(), raw, now, null, CallStep.GREETING, null,
                    null, null, null, null, null));
            s.tickets().addEvent(t.id(), now, "CALL_STARTED", "call from " + describeCaller(number, client, shownName)
                    + (shownChannel.isEmpty() ? "" : " on " + shownChannel));
            return c;
        });
        return new CallStart(call.id(), t.id(), raw, e164, client, reused);
    }

    public Situation situation() {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            BusinessCalendar cal = s.calendar().calendar();
            Optional<OnCallShift> primary = RosterService.onCall(s.roster(), now).getOrDefault(Role.PRIMARY, Optional.empty());
            return new Situation(now, cal.isOpen(now), primary.map(OnCallShift::technician), cal);
        });
    }

    /** The caller reached this step (kept on the call record: where a hang-up happened). */
    public void step(long callId, CallStep step) {
        tx.run(s -> call(s, callId).ifPresent(c -> s.calls().update(c.withStep(step))));
    }

    /** Adds a line to the call's ticket timeline. */
    public void note(long callId, String kind, String detail) {
        Instant now = clock.instant();
        tx.run(s -> call(s, callId).ifPresent(c -> s.tickets().addEvent(c.ticketId(), now, kind, detail)));
    }

    public void urgency(long callId, boolean urgent, boolean defaulted) {
        note(callId, "URGENCY", (urgent ? "urgent" : "not urgent") + (defaulted ? " (no valid key pressed; default taken)" : ""));
    }

    public void priority(long callId, Priority p, boolean defaulted) {
        Instant now = clock.instant();
        tx.run(s -> call(s, callId).ifPresent(c -> {
            TicketStore ts = s.tickets();
            ts.find(c.ticketId()).ifPresent(t -> {
                if (t.priority() == null || p.compareTo(t.priority()) < 0) {
                    ts.update(t.withPriority(p).touchedAt(now));
                }
            });
            ts.addEvent(c.ticketId(), now, "PRIORITY", p + ": " + p.meaning()
                    + (defaulted ? " (no valid key pressed; default taken)" : ""));
        }));
    }

    /**
     * The technician pressed the accept key (accept script). True if the call is still live and
     * nobody accepted it before; then the technician is recorded against it.
     */
    public boolean accept(long callId, long technicianId) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            Optional<CallRecord> c = call(s, callId);
            if (c.isEmpty() || c.get().outcome() != null || c.get().acceptedBy() != null) {
                return false;
            }
            s.calls().update(c.get().withAcceptedBy(technicianId));
            String who = s.roster().technician(technicianId).map(Technician::name).orElse("technician " + technicianId);
            s.tickets().addEvent(c.get().ticketId(), now, "ACCEPTED", who + " pressed 1 to accept the call");
            return true;
        });
    }

    /** Asterisk's unique id of the caller's channel (agi_uniqueid), for the accept leg to look at the caller. */
    public Optional<String> uniqueIdOf(long callId) {
        return tx.inTransaction(s -> call(s, callId).map(CallRecord::asteriskUniqueId));
    }

    public Optional<Long> acceptedBy(long callId) {
        return tx.inTransaction(s -> call(s, callId).map(CallRecord::acceptedBy));
    }

    /** The ticket number spoken to the technician on the accept call. */
    public Optional<Long> ticketOf(long callId) {
        return tx.inTransaction(s -> call(s, callId).map(CallRecord::ticketId));
    }

    /** Sets the ticket's call-back number (E.164), or records that there is none. */
    public void callback(long callId, String e164, String how) {
        Instant now = clock.instant();
        tx.run(s -> call(s, callId).ifPresent(c -> {
            if (e164 != null) {
                s.tickets().find(c.ticketId()).ifPresent(t -> s.tickets().update(t.withCallback(e164).touchedAt(now)));
            }
            s.tickets().addEvent(c.ticketId(), now, "CALLBACK_NUMBER", e164 == null ? "no call-back number: " + how : e164 + " (" + how + ")");
        }));
    }

    /** Reads a keyed-in or caller-ID number as E.164; empty when it is not a number we can call. */
    public Optional<String> callbackNumber(String input) {
        return phones.toE164(input);
    }

    /**
     * Whether pagerline may call {@code e164} back: empty if so, else why not (premium-rate,
     * shared-cost or UAN, or a country outside line.callback-regions). A refusal is noted on the
     * ticket so the technician sees what the caller tried.
     */
    public Optional<String> callbackRefusal(long callId, String e164) {
        Optional<String> why = phones.callbackRefusal(e164, callbackRegions);
        why.ifPresent(w -> note(callId, "CALLBACK_REFUSED", w + "; the caller was asked for another number"));
        return why;
    }

    /**
     * The caller left a message. On the urgent path this opens an incident (which starts the
     * paging) and sets the call-back deadline; a failure to open it is recorded, never thrown:
     * the caller must still hear their ticket number.
     *
     * @param seconds length of the recording, when Asterisk said (endpos / 8000)
     */
    public void messageLeft(long callId, String recording, long seconds, boolean hungUpWhileRecording,
            boolean urgent, Priority priority) {
        Instant now = clock.instant();
        String detail = recording + " (" + seconds + " s"
                + (hungUpWhileRecording ? ", caller hung up while recording; kept" : "") + ")";
        if (!urgent) {
            tx.run(s -> saveVoicemail(s, callId, recording, detail, now));
            return;
        }
        // The voicemail and its incident commit together: never a saved urgent message nobody is paged for.
        try {
            tx.run(s -> {
                CallRecord rec = saveVoicemail(s, callId, recording, detail, now);
                openIncident(s, rec.ticketId(), priority, recording, now);
            });
            incidents.afterCommit();
        } catch (RuntimeException e) {
            log.error("could not open an incident for call {}: {}", callId, e.toString(), e);
            tx.run(s -> {
                CallRecord rec = saveVoicemail(s, callId, recording, detail, now);
                s.tickets().addEvent(rec.ticketId(), now, "INCIDENT_FAILED", "could not open the incident: "
                        + e.getMessage() + "; call the caller back by hand");
            });
        }
    }

    /**
     * The urgent caller chose the priority, then hung up before leaving a message (while the
     * technician's phone rang, at the call-back number or before the tone): they are paged for all
     * the same, with no recording. The call-back number is the one already given, else the caller
     * ID when it is a number we may call. Recording the hang-up and opening the incident commit
     * together. Never throws.
     */
    public void urgentHungUpBeforeMessage(long callId, CallStep at, Priority priority) {
        Instant now = clock.instant();
        try {
            tx.run(s -> {
                CallRecord rec = call(s, callId).orElseThrow(() -> new NotFoundException("no call " + callId));
                if (rec.outcome() != null || rec.recording() != null) {
                    return; // ended or messaged already: nothing to add
                }
                s.calls().update(rec.ended(now, CallOutcome.HUNG_UP));
                s.tickets().addEvent(rec.ticketId(), now, "HUNG_UP", "caller hung up during " + at.wireName());
                Ticket t = s.tickets().find(rec.ticketId()).orElseThrow();
                String callback = t.callbackNumber();
                if (callback == null) {
                    callback = phones.toE164(rec.callerId())
                            .filter(n -> phones.callbackRefusal(n, callbackRegions).isEmpty()).orElse(null);
                    if (callback != null) {
                        s.tickets().update(t.withCallback(callback).touchedAt(now));
                    }
                }
                s.tickets().addEvent(rec.ticketId(), now, "NO_MESSAGE", "urgent caller hung up before leaving a message;"
                        + " paging anyway with no recording; call back "
                        + (callback == null ? "impossible: no usable caller ID" : callback));
                openIncident(s, rec.ticketId(), priority, null, now);
            });
            incidents.afterCommit();
        } catch (RuntimeException e) {
            log.error("could not open an incident for call {} (urgent hang-up): {}", callId, e.toString(), e);
            hungUp(callId, at);
            note(callId, "INCIDENT_FAILED", "urgent caller hung up before the message and the incident could not be"
                    + " opened: " + e.getMessage() + "; call the caller back by hand");
        }
    }

    private static CallRecord saveVoicemail(Stores s, long callId, String recording, String detail, Instant now) {
        CallRecord rec = call(s, callId).orElseThrow(() -> new NotFoundException("no call " + callId));
        s.calls().update(rec.withRecording(recording));
        s.tickets().addEvent(rec.ticketId(), now, "VOICEMAIL", detail);
        return rec;
    }

    /**
     * Inside the caller's transaction: the call-back deadline on the ticket, then the incident
     * (paging). When the ticket's incident still awaits its call-back the call joins it: its
     * deadline stands (no new CALLBACK_DUE) and it keeps the recording it has.
     */
    private void openIncident(Stores s, long ticketId, Priority priority, String recording, Instant now) {
        boolean joins = s.incidents().awaitingCallbackOnTicket(ticketId).isPresent();
        if (!joins) {
            s.tickets().addEvent(ticketId, now, "CALLBACK_DUE", "call the caller back by " + now.plus(callbackDeadline)
                    + " (" + callbackDeadline.toMinutes() + "-minute promise)");
        }
        tickets.callbackPromised(s, ticketId, now, callbackDeadline);
        Ticket t = s.tickets().find(ticketId).orElseThrow(() -> new NotFoundException("no ticket " + ticketId));
        long id = incidents.openFromVoicemail(s, new VoicemailIncident(t.id(), priority == null ? Priority.P3 : priority,
                t.callerNumber(), t.callerName(), t.company(), t.callbackNumber(), recording, now));
        // The incident service writes INCIDENT_OPENED itself; the line adds only what it alone knows.
        if (id > 0 && recording == null && !joins) {
            s.tickets().addEvent(t.id(), now, "PAGING_WITHOUT_MESSAGE", "incident " + id
                    + " pages without a recording: the caller hung up before the message");
        }
    }

    /** Out-of-hours message: the call-back deadline is the next business day's opening. */
    public Instant nextBusinessDayDeadline(long callId) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            CallRecord c = call(s, callId).orElseThrow(() -> new NotFoundException("no call " + callId));
            Instant due = s.calendar().calendar().nextBusinessDayStart(now);
            s.tickets().addEvent(c.ticketId(), now, "CALLBACK_DUE", "call the caller back on the next business day, by " + due);
            return due;
        });
    }

    /** The call ended normally. */
    public void finish(long callId, CallOutcome outcome, String detail) {
        end(callId, outcome, "CALL_ENDED", outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (detail == null || detail.isBlank() ? "" : ": " + detail));
    }

    /** The caller hung up; what was gathered stays on the ticket. */
    public void hungUp(long callId, CallStep at) {
        Optional<CallRecord> c = find(callId);
        if (at == CallStep.QUEUE && c.isPresent() && c.get().answeredBy() != null) {
            // the queue events said who answered: the caller hung up after talking, not in the queue
            end(callId, CallOutcome.ANSWERED_IN_QUEUE, "CALL_ENDED", "answered in the queue by " + c.get().answeredBy());
            return;
        }
        end(callId, CallOutcome.HUNG_UP, "HUNG_UP", "caller hung up during " + at.wireName());
    }

    /** pagerline could not serve the call; the dialplan takes over (fallback voicemail). */
    public void failed(long callId, String why) {
        end(callId, CallOutcome.FAILED, "CALL_FAILED", why + "; the dialplan's fallback voicemail takes the call");
    }

    private void end(long callId, CallOutcome outcome, String kind, String detail) {
        Instant now = clock.instant();
        tx.run(s -> call(s, callId).ifPresent(c -> {
            if (c.outcome() != null) {
                return; // already ended: the first ending wins
            }
            s.calls().update(c.ended(now, outcome));
            s.tickets().addEvent(c.ticketId(), now, kind, detail);
        }));
    }

    public Optional<CallRecord> find(long callId) {
        return tx.inTransaction(s -> call(s, callId));
    }

    public List<CallRecord> callsOf(long ticketId) {
        return tx.inTransaction(s -> s.calls().forTicket(ticketId));
    }

    /**
     * AMI queue events, by the caller channel's unique id: appended to the ticket's timeline;
     * abandon position and wait and who answered are also kept on the call. Unknown ids are
     * logged and ignored. Never throws (the AMI dispatch thread must not die).
     */
    @java.lang.Override
    public void onQueueEvent(String asteriskUniqueId, String kind, String detail) {
        try {
            Instant now = clock.instant();
            String k = kind == null || kind.isBlank() ? "QUEUE_EVENT" : kind.trim().toUpperCase(Locale.ROOT);
            boolean known = tx.inTransaction(s -> {
                Optional<CallRecord> c = asteriskUniqueId == null ? Optional.empty() : s.calls().findByUniqueId(asteriskUniqueId);
                if (c.isEmpty()) {
                    return false;
                }
                CallRecord rec = c.get();
                if (k.equals("QUEUE_ABANDONED")) {
                    rec = rec.withAbandoned(QueueEventText.position(detail).orElse(null),
                            QueueEventText.waitedSeconds(detail).orElse(null));
                } else if (k.equals("QUEUE_ANSWERED")) {
                    rec = rec.withAnsweredBy(QueueEventText.answeredBy(detail).orElse(detail));
                    Long waited = QueueEventText.waitedSeconds(detail).orElse(null);
                    if (waited != null) {
                        rec = rec.withAbandoned(rec.abandonedPosition(), waited);
                    }
                }
                // only the queue's own columns: the script's thread may be writing the rest right now
                s.calls().recordQueue(rec.id(), rec.answeredBy(), rec.abandonedPosition(), rec.waitedSeconds());
                s.tickets().addEvent(rec.ticketId(), now, k, detail);
                return true;
            });
            if (!known) {
                log.info("queue event {} for unknown call {} ignored", k, asteriskUniqueId);
            }
        } catch (RuntimeException e) {
            log.error("queue event {} for call {} not recorded: {}", kind, asteriskUniqueId, e.toString(), e);
        }
    }

    private static Optional<CallRecord> call(Stores s, long callId) {
        return s.calls().find(callId);
    }

    private static String describeCaller(String number, Optional<Client> client, String callerIdName) {
        if (client.isPresent()) {
            return number + " (" + client.get().contactName() + ", " + client.get().company() + ")";
        }
        String name = blankToNull(callerIdName);
        return number + " (not in the client directory" + (name == null ? "" : "; caller ID name " + name) + ")";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() || "unknown".equalsIgnoreCase(s.trim()) ? null : s.trim();
    }
}
