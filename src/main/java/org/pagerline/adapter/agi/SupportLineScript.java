package org.pagerline.adapter.agi;

import java.time.Instant;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.config.LineConfig;
import org.pagerline.core.call.Prompt;
import org.pagerline.service.CallService;
import org.pagerline.service.LogText;
import org.pagerline.service.SavingMessage;
import org.pagerline.service.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FastAGI script "support-line": the inbound support call. One instance serves every call
 * concurrently; it holds only its collaborators, and each call's state lives in its own
 * {@link SupportCall}. Catches everything: a caller's hang-up is recorded on the ticket at the step
 * it happened; any other fault is recorded, PAGERLINE_RESULT is set to FAILED and the dialplan's
 * fallback voicemail takes the caller. An urgent caller who chose a priority and had no message
 * saved is paged all the same after a hang-up or a fault (no recording).
 */
public final class SupportLineScript implements AgiScript {
    public static final String NAME = "support-line";
    private static final Logger log = LoggerFactory.getLogger(SupportLineScript.class);
    private final CallService calls;
    private final LineConfig config;

    public SupportLineScript(CallService calls, LineConfig config) {
        this.calls = calls;
        this.config = config;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) {
        AgiLine line = new AgiLine(channel);
        SupportCall call = new SupportCall(calls, config, request, line);
        boolean fallback = false; // the dialplan's fallback has the caller, who waits for this script to end
        try {
            call.run();
        } catch (AgiHangupException e) {
            Instant at = calls.now();
            if (call.started(late -> late.hungUp(at), true) && call.owesUrgentPage()) {
                // urgent and prioritised, but gone before the message: page anyway (no recording)
                record(() -> call.follows(calls.urgentHungUpBeforeMessage(call.live(), call.priority())), call);
            } else if (call.started()) {
                call.live().call().hungUp(at);
            }
        } catch (CallerHold.WaitedTooLong e) {
            // not a fault of this call: the database is slow or stuck for everyone, which the log and
            // pagerline_caller_holds_total{result="fallback"} say; the caller must not wait on it
            log.error("support-line call (channel {}, uid {}): {}; the dialplan's fallback voicemail takes the caller",
                    LogText.of(request.getChannel()), LogText.of(request.getUniqueId()), e.getMessage());
            Instant at = calls.now();
            String why = "pagerline gave up waiting: " + e.getMessage();
            // the start given up on ends its call when it lands; a call that has one now (its start landed
            // as the line gave up) fails here; one ended with its message (still on its way) says so
            if (call.started(late -> late.failed(at, why), false) && !call.live().call().failed(at, why)) {
                call.live().call().note(at, "GAVE_UP_WAITING", e.getMessage()
                        + "; the dialplan's fallback voicemail takes the caller");
            }
            fallback = true;
            tellDialplanToTakeOver(line);
        } catch (ValidationException e) {
            log.warn("support-line call refused: {} (channel {})", LogText.of(e.getMessage()), LogText.of(request.getChannel()));
            fallback = true;
            tellDialplanToTakeOver(line);
        } catch (Throwable e) { // NOPMD: a server fault must never drop the caller
            SupportCall.NothingRecorded nothing = e instanceof SupportCall.NothingRecorded n ? n : null;
            if (nothing != null) { // the line's trouble, not a bug: no stack trace
                log.warn("support-line call (channel {}, uid {}): no message recorded ({}); the dialplan's fallback"
                        + " voicemail takes the caller", LogText.of(request.getChannel()), LogText.of(request.getUniqueId()),
                        e.getMessage());
            } else {
                log.error("support-line call failed at {} (channel {}, uid {}): {}", call.step(),
                        LogText.of(request.getChannel()), LogText.of(request.getUniqueId()), LogText.of(e.toString()), e);
            }
            Instant at = calls.now();
            String why = nothing != null ? "no message recorded (" + e.getMessage() + "); the dialplan's fallback"
                    + " voicemail takes the caller" : "pagerline fault at " + call.step().wireName() + ": " + e;
            if (call.started(late -> late.failed(at, why), false)) {
                call.live().call().failed(at, why);
            }
            fallback = true;
            // a caller whose tries left nothing is asked once more, by the fallback voicemail, not told of trouble
            tellDialplanToTakeOver(line, nothing != null && nothing.callersOwn() ? Prompt.RECORD_AFTER_TONE : Prompt.TROUBLE);
            if (call.started() && call.owesUrgentPage()) {
                // urgent and prioritised: paged now; the fallback takes their message (handed over at the hang-up)
                record(() -> call.follows(calls.urgentFailedBeforeMessage(call.live(), call.priority())), call);
            }
        } finally {
            // the rest of what the call gathered (its end, the last lines), handed to the journal after
            // its message or urgent page still being committed: nobody listens any more, so the
            // connection closes without waiting for either commit
            SavingMessage before = call.takeUnsettled();
            if (call.started()) {
                boolean mayWait = !fallback;
                record(() -> calls.saveLast(call.live(), before, mayWait), call);
            }
            call.closeLogContext(); // pooled threads must not carry this call's ticket into the next
        }
    }

    private static void tellDialplanToTakeOver(AgiLine line) {
        tellDialplanToTakeOver(line, Prompt.TROUBLE);
    }

    /**
     * PAGERLINE_RESULT=FAILED, then {@code before} (the dialplan's fallback, seeing FAILED, plays no
     * prompt of its own before its beep).
     */
    private static void tellDialplanToTakeOver(AgiLine line, Prompt before) {
        try {
            line.set(SupportCall.VAR_RESULT, "FAILED");
            line.play(before);
        } catch (Throwable ignored) { // NOPMD: the caller may be gone or the line garbled
            // the dialplan sees PAGERLINE_RESULT unset or FAILED and records a voicemail either way
        }
    }

    private static void record(Runnable bookkeeping, SupportCall call) {
        try {
            bookkeeping.run();
        } catch (RuntimeException e) {
            log.error("could not record the end of call {}: {}", call.callId(), e.toString(), e);
        }
    }
}
