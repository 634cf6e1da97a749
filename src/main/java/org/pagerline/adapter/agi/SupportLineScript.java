package org.pagerline.adapter.agi;

import java.time.Instant;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.config.LineConfig;
import org.pagerline.core.call.Call;
import org.pagerline.core.call.Prompt;
import org.pagerline.service.CallService;
import org.pagerline.service.LogText;
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
        try {
            call.run();
        } catch (AgiHangupException e) {
            Instant at = calls.now();
            if (call.started(late -> late.hungUp(at)) && call.owesUrgentPage()) {
                // urgent and prioritised, but gone before the message: page anyway (no recording)
                record(() -> calls.urgentHungUpBeforeMessage(call.live(), call.priority()), call);
            } else if (call.started()) {
                call.live().call().hungUp(at);
            }
        } catch (CallerHold.WaitedTooLong e) {
            // not a fault of this call: the database is slow or stuck for everyone, which the log and
            // pagerline_caller_holds_total{result="fallback"} say; the caller must not wait on it
            log.error("support-line call (channel {}, uid {}): {}; the dialplan's fallback voicemail takes the caller",
                    LogText.of(request.getChannel()), LogText.of(request.getUniqueId()), e.getMessage());
            if (call.started()) { // the message's wait: the call ended with its message, which may still land
                Instant at = calls.now();
                Call c = call.live().call();
                if (!c.failed(at, "pagerline gave up waiting: " + e.getMessage())) {
                    c.note(at, "GAVE_UP_WAITING", e.getMessage() + "; the dialplan's fallback voicemail takes the caller");
                }
            }
            tellDialplanToTakeOver(line);
        } catch (ValidationException e) {
            log.warn("support-line call refused: {} (channel {})", LogText.of(e.getMessage()), LogText.of(request.getChannel()));
            tellDialplanToTakeOver(line);
        } catch (Throwable e) { // NOPMD: a server fault must never drop the caller
            log.error("support-line call failed at {} (channel {}, uid {}): {}", call.step(), LogText.of(request.getChannel()),
                    LogText.of(request.getUniqueId()), LogText.of(e.toString()), e);
            Instant at = calls.now();
            String why = "pagerline fault at " + call.step().wireName() + ": " + e;
            if (call.started(late -> late.failed(at, why))) {
                call.live().call().failed(at, why);
            }
            tellDialplanToTakeOver(line);
            if (call.started() && call.owesUrgentPage()) {
                // urgent and prioritised: paged now; the fallback takes their message (handed over at the hang-up)
                record(() -> calls.urgentFailedBeforeMessage(call.live(), call.priority()), call);
            }
        } finally {
            call.settleMessage(); // its message (and incident, or their failure) goes in before the last save
            if (call.started()) {
                // the rest of what the call gathered (its end, the last lines), handed to the journal:
                // nobody listens any more, so the connection closes without waiting for the commit
                record(() -> calls.saveLast(call.live()), call);
            }
            call.closeLogContext(); // pooled threads must not carry this call's ticket into the next
        }
    }

    private static void tellDialplanToTakeOver(AgiLine line) {
        try {
            line.set(SupportCall.VAR_RESULT, "FAILED");
            line.play(Prompt.TROUBLE);
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
