package org.pagerline.adapter.agi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.pagerline.config.LineConfig;
import org.pagerline.core.call.Call;
import org.pagerline.core.call.CallDecisions;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.call.CallStep;
import org.pagerline.core.call.HoursReadout;
import org.pagerline.core.call.Menu;
import org.pagerline.core.call.Menus;
import org.pagerline.core.call.Prompt;
import org.pagerline.core.call.Route;
import org.pagerline.core.roster.Technician;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.CallService;
import org.pagerline.service.LiveCall;
import org.pagerline.service.LogText;
import org.pagerline.service.SavingMessage;
import org.pagerline.service.StartingCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's conversation with the support line. The call's state lives in its call object
 * ({@link org.pagerline.core.call.Call}, in the {@link LiveCall} that {@link CallService#start}
 * returns), which the shared {@link SupportLineScript} must not hold. Decisions come from the core
 * ({@link CallDecisions}, {@link Menus}); facts go on the call object as they are known, and the
 * call service saves them off this thread before each long wait on Asterisk (Dial, Queue, the
 * recording; {@link CallService#save}), and the rest when the call is over.
 */
final class SupportCall {
    private static final Logger log = LoggerFactory.getLogger(SupportCall.class);
    /** Channel variables the dialplan reads (see asterisk-dialplan/README.md). */
    static final String VAR_RESULT = "PAGERLINE_RESULT";
    static final String VAR_STEP = "PAGERLINE_STEP";
    static final String VAR_TICKET = "PAGERLINE_TICKET";
    static final String VAR_CALL = "PAGERLINE_CALL";

    private final CallService calls;
    private final LineConfig config;
    private final AgiRequest request;
    private final AgiLine line;
    private LiveCall live;
    /** The call's start while the journal commits it (see {@link #run}); null before and once taken. */
    private StartingCall starting;
    /**
     * The call's message while the journal commits it (see {@link #message}), or its urgent page
     * without one ({@link #follows}); null before and once settled while waited for. The call's last
     * save follows it ({@link #takeUnsettled}).
     */
    private SavingMessage saving;
    /** Set once an urgent caller has chosen the priority; cleared when they are put through or their message is saved. */
    private boolean owesUrgentPage;

    SupportCall(CallService calls, LineConfig config, AgiRequest request, AgiLine line) {
        this.calls = calls;
        this.config = config;
        this.request = request;
        this.line = line;
    }

    /**
     * True once the call has a ticket (so a hang-up or fault can be recorded on it). A start still
     * being committed is waited for here, if {@code mayWait}, for what is left of
     * {@code line.wait-limit} since the line began waiting for it: a caller who hung up during the
     * greeting still has the hang-up on their ticket. (A caller for the dialplan's fallback waits for
     * nothing: it takes them only once the script ends.) A start not committed by then is left to
     * end its call with {@code ifLate} when it lands ({@link CallService#whenStartLands}): false.
     */
    boolean started(Consumer<Call> ifLate, boolean mayWait) {
        if (live == null && starting != null) {
            StartingCall s = starting;
            starting = null;
            long since = startWaitSince != 0 ? startWaitSince : System.nanoTime();
            Duration left = !mayWait ? Duration.ZERO
                    : Duration.ofNanos(Math.max(0, config.waitLimit().toNanos() - (System.nanoTime() - since)));
            try {
                live = s.await(left).map(SupportCall::atGreeting).orElse(null);
                if (live == null) {
                    log.error("support-line call {}: its start was not written within {} ms (line.wait-limit); the call"
                            + " is ended when it is", LogText.of(request.getUniqueId()), config.waitLimit().toMillis());
                    calls.whenStartLands(s, c -> {
                        c.enter(CallStep.GREETING);
                        ifLate.accept(c);
                    });
                }
            } catch (RuntimeException e) { // nothing of the start was written, so there is nothing to record on
                log.error("support-line call {}: its start could not be written: {}", LogText.of(request.getUniqueId()),
                        LogText.of(e.toString()), e);
            }
        }
        return live != null;
    }

    /** True once the call has a ticket; never waits (a start still pending: {@link #started(Consumer, boolean)}). */
    boolean started() {
        return live != null;
    }

    /**
     * The call once its start is committed, at the greeting (a resumed call too); throws what the
     * start threw (then nothing of it was written). The caller hears the hold prompt while it takes
     * long, and the line gives up on it at {@code line.wait-limit} ({@link CallerHold.WaitedTooLong}:
     * the start stays pending, for {@link #started(Consumer, boolean)} to end the call
     * when it lands; so does a hang-up meanwhile).
     */
    private LiveCall takeStart() throws AgiException {
        StartingCall s = starting;
        startWaitSince = System.nanoTime();
        LiveCall l;
        try {
            l = CallerHold.await(line, config, calls, "start", startWaitSince, s::await);
        } catch (CallerHold.WaitedTooLong e) {
            throw e;
        } catch (RuntimeException e) {
            starting = null; // the start failed: nothing to wait for, nothing to record on
            throw e;
        }
        starting = null;
        return atGreeting(l);
    }

    private static LiveCall atGreeting(LiveCall l) {
        l.call().enter(CallStep.GREETING);
        return l;
    }

    /** When the line began waiting for the start's commit ({@link System#nanoTime()}); 0 before. */
    private long startWaitSince;

    /**
     * What the call's last save must follow and nobody waits for any more (its message still being
     * committed, an urgent page without one), taken once; null if none.
     */
    SavingMessage takeUnsettled() {
        SavingMessage m = saving;
        saving = null;
        return m;
    }

    /** An urgent page without a message being committed: the call's last save follows it. */
    void follows(SavingMessage m) {
        saving = m;
    }

    /** The call being served; null before {@link #started()}. */
    LiveCall live() {
        return live;
    }

    long callId() {
        return live.callId();
    }

    CallStep step() {
        return live == null ? CallStep.GREETING : live.call().step();
    }

    /** True if the caller chose urgent and a priority but has neither been put through nor left a message. */
    boolean owesUrgentPage() {
        return owesUrgentPage;
    }

    Priority priority() {
        return live.call().priority();
    }

    /** The ticket id in this call's log lines, from the moment the ticket exists; closed by the script. */
    private org.pagerline.service.LogContext logContext;

    void closeLogContext() {
        if (logContext != null) {
            logContext.close();
            logContext = null;
        }
    }

    void run() throws AgiException {
        starting = calls.begin(request.getUniqueId(), request.getChannel(), request.getCallerIdNumber(),
                request.getCallerIdName());
        // the ticket is committed while the caller is answered and greeted: they wait for nothing
        line.set(VAR_STEP, CallStep.GREETING.wireName());
        line.answer();
        line.play(Prompt.GREETING);
        live = takeStart();
        logContext = org.pagerline.service.LogContext.ticket(live.ticketId());
        line.set(VAR_TICKET, Long.toString(live.ticketId()));
        line.set(VAR_CALL, Long.toString(live.callId()));
        CallService.Situation now = live.situation();

        enter(CallStep.URGENCY);
        Menu.Answer a = line.ask(Menus.URGENCY, timeout());
        boolean urgent = CallDecisions.urgent(a.key());
        live.call().urgency(calls.now(), urgent, a.kind() == Menu.Answer.Kind.DEFAULTED);
        switch (CallDecisions.route(urgent, now.deskOpen(), now.primary().isPresent())) {
            case QUEUE -> queue();
            case AFTER_HOURS -> afterHours(now);
            default -> urgent(now);
        }
    }

    private void urgent(CallService.Situation now) throws AgiException {
        enter(CallStep.PRIORITY);
        Menu.Answer p = line.ask(Menus.PRIORITY, timeout());
        live.call().priority(calls.now(), CallDecisions.priority(p.key()), p.kind() == Menu.Answer.Kind.DEFAULTED);
        owesUrgentPage = true;
        if (CallDecisions.route(true, now.deskOpen(), now.primary().isPresent()) == Route.RING_PRIMARY) {
            if (ring(now.primary().get())) {
                owesUrgentPage = false;
                return;
            }
        } else {
            note("NO_ONE_ON_CALL", "no primary technician is on call; taking a message");
            // the priority on the call row from here on (the ring path saves it before the Dial):
            // a server stopped or lost during the call-back step or the message still pages them
            calls.save(live);
        }
        message(true, Prompt.promiseWithin(config.callbackDeadline()).orElse(Prompt.PROMISE_30_MINUTES));
    }

    /** Rings the primary; true if they accepted and the caller was put through. */
    private boolean ring(Technician tech) throws AgiException {
        enter(CallStep.RINGING);
        line.play(Prompt.CONNECTING);
        long ringSeconds = config.ringTimeout().toSeconds();
        note("RINGING", "ringing " + tech.name() + " (primary on call) at " + tech.phone()
                + " for " + ringSeconds + " s; they must press 1 to accept");
        calls.save(live); // before the wait: the accept leg's lines come after these
        // g: when the technician hangs up first the caller comes back to this script (Dial returns 0,
        // DIALSTATUS ANSWER) instead of Dial returning -1 as if the caller had hung up, so the call is
        // recorded as CONNECTED and the dialplan hangs up rather than taking it to the fallback.
        String args = config.dialTarget(tech.phone()) + "," + ringSeconds + ",gU(" + config.acceptContext()
                + "^" + callId() + "^" + tech.id() + ")";
        calls.ringing(callId());
        int rc = line.exec("Dial", args);
        boolean accepted = calls.acceptedBy(callId()).map(id -> id == tech.id()).orElse(false);
        if (rc == -1) {
            if (accepted) { // talked, then the caller hung up: a finished call, not an abandoned one
                owesUrgentPage = false;
                live.call().finish(calls.now(), CallOutcome.CONNECTED, "talked to " + tech.name());
                return true;
            }
            throw new AgiHangupException();
        }
        String status = line.get("DIALSTATUS");
        if (CallDecisions.connected(status, accepted)) {
            live.call().finish(calls.now(), CallOutcome.CONNECTED, "talked to " + tech.name());
            calls.save(live);
            line.set(VAR_RESULT, "CONNECTED");
            return true;
        }
        note("NOT_ACCEPTED", CallDecisions.notAcceptedText(tech.name(), status, ringSeconds));
        line.play(Prompt.NOBODY_ACCEPTED);
        return false;
    }

    private void queue() throws AgiException {
        enter(CallStep.QUEUE);
        // Asterisk's own count (QUEUE_MEMBER, no database): with nobody signed in the caller is told
        // so at once, not asked to hold for the next free technician. Anything but 0 (an
        // unknown queue answers nothing) leaves it to Queue(), whose JOINEMPTY is the backstop.
        if ("0".equals(line.get("QUEUE_MEMBER(" + config.queueName() + ",logged)"))) {
            note("QUEUE_EMPTY", "nobody signed in to the " + config.queueName() + " queue; taking a message");
            line.play(Prompt.NOBODY_FREE);
            message(false, Prompt.PROMISE_SOON);
            return;
        }
        // the hold prompt offers a message instead ("press 1 at any time") and listens for it
        if (CallDecisions.leavesTheQueueForAMessage(line.getData(Prompt.JOINING_QUEUE, 1, 1))) {
            note("QUEUE_DECLINED", "pressed 1 to leave a message instead of holding; taking a message");
            message(false, Prompt.PROMISE_SOON);
            return;
        }
        long limit = config.queueWaitLimit().toSeconds();
        note("QUEUE_ENTERED", "into the " + config.queueName() + " queue (wait limit " + limit + " s)");
        calls.save(live); // before the wait: the queue's AMI events come after these
        // c: when the technician hangs up first the caller comes back here (QUEUESTATUS CONTINUE)
        // rather than Queue() returning -1 as if the caller had hung up (see ring()).
        int rc = line.exec("Queue", config.queueName() + ",c,,," + limit);
        if (rc == -1) {
            throw new AgiHangupException();
        }
        if (CallDecisions.leftQueueByKey(line.get("CONTEXT"))) {
            // app_queue's exit key (queues.conf context = pagerline-queue-exit) moved the channel there:
            // back to the line after this script's AGI(), so the dialplan goes on as after any call
            note("QUEUE_LEFT", "left the queue: the caller pressed " + line.get("EXTEN") + " to leave a message");
            backWhereTheScriptRuns();
            message(false, Prompt.PROMISE_SOON);
            return;
        }
        String status = line.get("QUEUESTATUS");
        if (CallDecisions.queueLeadsToMessage(status)) {
            note("QUEUE_LEFT", "left the queue: " + status + "; taking a message");
            line.play(CallDecisions.queueLeftPrompt(status));
            message(false, Prompt.PROMISE_SOON);
        } else {
            live.call().finish(calls.now(), CallOutcome.ANSWERED_IN_QUEUE,
                    status == null || status.isBlank() || status.equals("CONTINUE") ? "" : "QUEUESTATUS " + status);
            calls.save(live);
            line.set(VAR_RESULT, "QUEUE_ANSWERED");
        }
    }

    /**
     * Moves the channel back to the priority after this script's {@code AGI()} (Goto with the
     * script's context, extension and priority + 1: Asterisk steps to the next priority when the
     * script ends). Without it the dialplan would go on in the exit key's context, whose own lines
     * are the backstop for a script that ends before this.
     */
    private void backWhereTheScriptRuns() throws AgiException {
        Integer priority = request.getPriority();
        if (priority == null || request.getContext() == null || request.getExtension() == null) {
            log.warn("support-line call {}: Asterisk did not say where this script runs; the dialplan goes on"
                    + " in the queue's exit context", LogText.of(request.getUniqueId()));
            return;
        }
        line.exec("Goto", request.getContext() + "," + request.getExtension() + "," + (priority + 1));
    }

    private void afterHours(CallService.Situation now) throws AgiException {
        enter(CallStep.HOURS);
        line.play(Prompt.CLOSED);
        for (String sound : HoursReadout.sounds(now.calendar())) {
            line.playSound(sound);
        }
        String hours = now.calendar().describeHours();
        line.verbose(hours);
        note("HOURS_READ", "desk closed; hours read out: " + hours);
        enter(CallStep.MENU);
        Menu.Answer a = line.ask(Menus.AFTER_HOURS, timeout());
        if (CallDecisions.afterHoursUrgent(a.key())) {
            live.call().urgency(calls.now(), true, false);
            urgent(now);
        } else {
            Instant at = calls.now();
            // the day it opens, in the desk's time; the message's contact clock says by when (CLOCK_STARTED)
            String opens = org.pagerline.core.text.DeskTime.format(calls.nextBusinessDayOpens(live, at),
                    now.calendar().zone());
            live.call().note(at, "CALLBACK_DUE", "call the caller back on the next business day, which opens " + opens);
            note("MESSAGE_CHOSEN", "leaves a message for the next business day (opens " + opens + ")"
                    + (a.kind() == Menu.Answer.Kind.DEFAULTED ? "; no valid key pressed, default taken" : ""));
            message(false, Prompt.PROMISE_NEXT_DAY);
        }
    }

    /** Call-back number, the recording, then the ticket number and the promise. */
    private void message(boolean urgent, Prompt promise) throws AgiException {
        enter(CallStep.CALLBACK);
        callback();
        enter(CallStep.RECORDING);
        String file = config.recordingsDir() + "/ticket-" + live.ticketId() + "-call-" + callId();
        AgiLine.Recording rec = recordMessage(file);
        owesUrgentPage = false; // the message (even cut short by a hang-up) opens the incident
        // The message is what matters: the call counts as ended well even if the caller hangs up now.
        // It is committed (urgent: with its incident) while the caller hears their ticket number.
        saving = calls.leaveMessage(live, file, rec.seconds(), rec.hungUp(), urgent, priority());
        if (rec.hungUp()) {
            return; // the call's last save follows it (SupportLineScript)
        }
        enter(CallStep.TICKET);
        line.play(Prompt.YOUR_TICKET);
        line.sayDigits(Long.toString(live.ticketId()));
        // the result and the promise only once the message is committed (urgent: with its incident,
        // or the incident's failure on the ticket); when nothing could be saved this throws, and
        // the dialplan's fallback voicemail takes the caller
        SavingMessage m = saving;
        CallerHold.await(line, config, calls, "message", System.nanoTime(),
                max -> m.await(max) ? Optional.of(m) : Optional.empty());
        saving = null; // settled: the last save need not follow it
        line.set(VAR_RESULT, urgent ? "VOICEMAIL" : "MESSAGE");
        line.play(promise);
        line.play(Prompt.GOODBYE);
        note("TOLD", "ticket number and call-back promise read out");
        line.hangup();
    }

    /**
     * The tone and RECORD FILE until a message is recorded: a caller still on the line who left
     * nothing (a # that cut the tone short, or under half a second) is asked again, up to
     * {@link Menus#TRIES} times. A caller who hangs up having left no words (during the tone, or
     * under half a second in) has left no message: that is their hang-up at this step, so an urgent
     * caller is paged without one ({@link SupportLineScript}), never with a file that does not exist.
     *
     * @throws NothingRecorded when Asterisk cannot write the file, or the tries are used up: the
     *         dialplan's fallback voicemail then takes the caller (and an urgent one is paged)
     */
    private AgiLine.Recording recordMessage(String file) throws AgiException {
        for (int tries = 1; ; tries++) {
            line.play(Prompt.RECORD_AFTER_TONE);
            AgiLine.Recording rec = line.record(file, config.maxMessage().toMillis(), 8);
            if (rec.nothing() == null) {
                return rec;
            }
            note("NOTHING_RECORDED", rec.nothing());
            if (rec.hungUp()) {
                throw new AgiHangupException();
            }
            if (rec.notWritable() || tries == Menus.TRIES) {
                throw new NothingRecorded(rec.notWritable() ? rec.nothing() : "nothing recorded in " + tries + " tries",
                        !rec.notWritable());
            }
        }
    }

    /**
     * Asterisk recorded no message from a caller still on the line: it could not write the file, or
     * the caller left nothing in every try ({@link #callersOwn}). The dialplan's fallback voicemail
     * takes them either way.
     */
    static final class NothingRecorded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean callersOwn;

        /** @param callersOwn the caller left nothing in every try (else Asterisk could not record) */
        NothingRecorded(String why, boolean callersOwn) {
            super(why);
            this.callersOwn = callersOwn;
        }

        boolean callersOwn() {
            return callersOwn;
        }
    }

    /**
     * The caller confirms their caller ID or keys in another number (validated, three tries), which
     * is read back for them to confirm too: a typo that still looks like a number can be keyed again.
     * When no number was confirmed, the caller hears which one the desk has (their caller ID), or
     * that it has none, and is asked to say the right one in their message.
     */
    private void callback() throws AgiException {
        String callerNumber = live.callerE164().filter(n -> refusal(n).isEmpty()).orElse(null);
        if (callerNumber != null && confirmed(callerNumber, "caller ID")) {
            return;
        }
        for (int i = 0; i < Menus.TRIES; i++) {
            String digits = line.getData(Prompt.CALLBACK_ENTER, Math.max(timeout(), 10_000), 15);
            var number = CallDecisions.plausibleNumber(digits) ? calls.callbackNumber(digits) : java.util.Optional.<String>empty();
            if (number.isPresent() && refusal(number.get()).isPresent()) {
                line.play(Prompt.CALLBACK_REFUSED); // premium-rate or abroad: tell them, ask again
                continue;
            }
            if (number.isPresent()) {
                if (confirmed(number.get(), "keyed in")) {
                    return;
                }
                note("CALLBACK_REJECTED", number.get() + " keyed in, then rejected by the caller (2: enter another)");
                continue;
            }
            line.play(digits.isEmpty() ? Prompt.NO_INPUT : Prompt.CALLBACK_INVALID);
        }
        if (callerNumber != null) {
            readBack(callerNumber);
            line.play(Prompt.CALLBACK_SAY_IT);
        } else {
            line.play(Prompt.CALLBACK_NONE);
        }
        live.call().callback(calls.now(), callerNumber, callerNumber != null
                ? "caller ID; no valid number keyed in (the caller was asked to say the right one in the message)"
                : "caller ID withheld or refused, and no valid number keyed in (the caller was asked to say one in the message)");
    }

    /** "We will call you back at" and the number's digits. */
    private void readBack(String number) throws AgiException {
        line.play(Prompt.CALLBACK_IS);
        line.sayDigits(number.replace("+", ""));
    }

    /**
     * "We will call you back at" the number, then "To use this number, press 1. To enter another
     * number, press 2." (a wrong key or silence asks again; no key at all takes it). True when the
     * number is taken, and then it is the call's call-back number ({@code how}: where it came from).
     */
    private boolean confirmed(String number, String how) throws AgiException {
        Menu.Tries tries = Menu.Tries.FIRST;
        while (true) {
            readBack(number);
            Menu.Answer a;
            try {
                a = Menus.CALLBACK_CONFIRM.interpret(tries, line.getData(Menus.CALLBACK_CONFIRM.prompt(), timeout(), 1));
            } catch (AgiHangupException e) {
                a = null;
            }
            if (a == null || a.kind() == Menu.Answer.Kind.HUNG_UP) {
                // gone before confirming: the number they gave is still the best one to page with
                live.call().callback(calls.now(), number, how + "; the caller hung up before confirming it");
                throw new AgiHangupException();
            }
            if (a.apology() != null) {
                line.play(a.apology());
            }
            if (a.settled()) {
                if (a.key() != '1') {
                    return false;
                }
                live.call().callback(calls.now(), number, a.kind() == Menu.Answer.Kind.DEFAULTED
                        ? how + "; no valid key pressed" : how + ", confirmed");
                return true;
            }
            tries = a.next();
        }
    }

    /**
     * Whether the number may be called back (empty if so); a refusal is noted on the call so the
     * technician sees what the caller tried.
     */
    private java.util.Optional<String> refusal(String e164) {
        java.util.Optional<String> why = calls.callbackRefusal(e164);
        why.ifPresent(w -> note("CALLBACK_REFUSED", w + "; the caller was asked for another number"));
        return why;
    }

    private void note(String kind, String detail) {
        live.call().note(calls.now(), kind, detail);
    }

    /**
     * The caller reached a step: kept on the call object. What the call gathered is saved (off this
     * thread, batched with the other calls') before the long waits on Asterisk (Dial, Queue, the
     * recording) and at the end; a hang-up at any step saves everything up to it.
     */
    private void enter(CallStep s) throws AgiException {
        live.call().enter(s);
        if (s == CallStep.RECORDING) {
            calls.save(live);
        }
        line.set(VAR_STEP, s.wireName());
    }

    private long timeout() {
        return config.promptTimeout().toMillis();
    }
}
