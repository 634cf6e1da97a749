package org.pagerline.adapter.agi;

import java.time.Duration;
import java.util.Optional;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.core.call.Menu;
import org.pagerline.core.call.Menus;
import org.pagerline.core.call.Prompt;
import org.pagerline.service.Acceptance;
import org.pagerline.service.CallService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FastAGI script "accept": runs on the technician's leg of the urgent Dial (the dialplan's
 * {@code pagerline-accept} subroutine, from Dial's U() option) before the legs are bridged.
 * Arguments: the call id and the technician id. The technician must press 1; only then is
 * PAGERLINE_ACCEPTED set to 1 and the acceptance recorded. Silence (a voicemail greeting, say)
 * leaves it 0 and the subroutine drops the technician's leg. Catches everything: any fault before
 * the key means "not accepted", and the caller goes on to leave a message. Once the technician has
 * pressed 1 with the caller still there, the database is waited for at most {@code line.hold-after}:
 * past that the two are put through all the same ({@link CallService#accept(long, String, long, Duration)}).
 */
public final class AcceptScript implements AgiScript {
    public static final String NAME = "accept";
    static final String VAR_ACCEPTED = "PAGERLINE_ACCEPTED";
    private static final Logger log = LoggerFactory.getLogger(AcceptScript.class);
    private final CallService calls;
    private final long promptTimeoutMs;
    /** The longest the technician waits in silence, after pressing 1, for the acceptance's write. */
    private final Duration acceptWait;

    public AcceptScript(CallService calls, Duration acceptWait) {
        this(calls, 5000, acceptWait);
    }

    public AcceptScript(CallService calls, long promptTimeoutMs, Duration acceptWait) {
        this.calls = calls;
        this.promptTimeoutMs = promptTimeoutMs;
        this.acceptWait = acceptWait;
    }

    /**
     * True if the caller's channel is gone or hanging up. While Dial runs this subroutine Asterisk
     * keeps the caller's channel even after their BYE (so it "exists", its state still Up, and
     * HANGUPCAUSE is no help: 16 on a live caller too); the hang-up source, which chan_pjsip records
     * when the far end hangs up, is empty until then.
     */
    private boolean callerGone(AgiLine line, Optional<String> uid) throws AgiException {
        if (uid.isEmpty()) {
            return true;
        }
        if (!"1".equals(line.get("CHANNEL_EXISTS(" + uid.get() + ")"))) {
            return true;
        }
        String source = line.get("IMPORT(" + uid.get() + ",CHANNEL(hangupsource))");
        return source != null && !source.isBlank();
    }

    /**
     * The acceptance is decided (written, or put through unwritten): the technician is put through,
     * unless they or the caller hung up meanwhile (the wait for the write can take up to the accept
     * wait), or the line failed. Then the acceptance is taken back: Dial says ANSWER once the
     * technician's phone has answered, so only that tells the caller's script nobody accepted.
     */
    private void putThrough(AgiLine line, long callId, String callerUid, long techId) throws AgiException {
        String gone = null;
        try {
            if (!line.up()) {
                gone = "hung up after pressing 1, before being put through";
            } else if (callerGone(line, Optional.of(callerUid))) {
                gone = "pressed 1, but the caller hung up before being put through";
                line.play(Prompt.ACCEPT_GONE);
            } else {
                line.set(VAR_ACCEPTED, "1");
            }
        } catch (AgiException | RuntimeException e) {
            gone = "pressed 1, but pagerline lost the line (" + e + ") before putting them through";
            throw e;
        } finally {
            if (gone != null) {
                calls.acceptWithdrawn(callId, callerUid, techId, gone, acceptWait);
            }
        }
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) {
        AgiLine line = new AgiLine(channel);
        try {
            String[] args = request.getArguments();
            long callId = Long.parseLong(args.length > 0 ? args[0].trim() : "");
            long techId = Long.parseLong(args.length > 1 ? args[1].trim() : "");
            line.set(VAR_ACCEPTED, "0");
            Optional<Long> ticket = calls.ticketOf(callId);
            if (ticket.isEmpty()) {
                line.play(Prompt.ACCEPT_GONE);
                return;
            }
            line.play(Prompt.ACCEPT_INTRO);
            line.sayDigits(Long.toString(ticket.get()));
            Menu.Answer a = line.ask(Menus.ACCEPT, promptTimeoutMs);
            if (a.kind() != Menu.Answer.Kind.CHOSEN) {
                return;
            }
            Optional<String> callerUid = calls.uniqueIdOf(callId);
            if (callerGone(line, callerUid)) {
                // Asterisk keeps the caller's channel until this subroutine returns, so the call
                // record cannot know yet: a caller who hung up meanwhile must not count as put through
                calls.note(callId, "ACCEPT_TOO_LATE", "technician " + techId
                        + " pressed 1, but the caller had hung up during the accept prompt");
                line.play(Prompt.ACCEPT_GONE);
            } else if (calls.accept(callId, callerUid.get(), techId, acceptWait) != Acceptance.REFUSED) {
                putThrough(line, callId, callerUid.get(), techId);
            } else {
                line.play(Prompt.ACCEPT_GONE);
            }
        } catch (Throwable e) { // NOPMD: not accepted is the safe answer to anything
            log.info("accept call ended without acceptance: {}", e.toString());
        }
    }
}
