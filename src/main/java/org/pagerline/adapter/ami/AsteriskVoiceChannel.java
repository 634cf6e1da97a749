package org.pagerline.adapter.ami;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.pagerline.config.AmiConfig;
import org.pagerline.core.page.Channel;
import org.pagerline.service.DeliveryReport;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.PageResponses;
import org.pagerline.service.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voice pages through Asterisk: an asynchronous Originate rings the technician's phone
 * ({@code ami.page-dial-template}); when answered, the call enters {@code ami.page-context}
 * ({@code pagerline-page}, extension s) whose FastAGI script plays the page, with the channel
 * variable PAGERLINE_PAGE_ID naming it. {@link #send} returns as soon as Asterisk has queued the
 * call (ACCEPTED, provider id = the ActionID); the OriginateResponse that follows is matched by
 * ActionID and handed to {@link PageResponses#onDelivery}:
 * reason 4 answered → nothing yet: answered is not delivered (a voicemail answers too); the paging
 * call's script reports DELIVERED on a key press or NO_ANSWER without one;
 * 1 hung up, 3 no answer, 5 busy → NO_ANSWER; 8 congestion and anything else → TEMPORARY_FAILURE.
 * A call whose response never comes is not forgotten: once {@code ami.page-ring-timeout} +
 * {@link #RESPONSE_MARGIN} has passed it is reported as a TEMPORARY_FAILURE (AMI_NO_RESPONSE, or
 * AMI_LOST when the link dropped meanwhile), so the engine tries again. A dropped link alone gives
 * up on nothing: the call may still be ringing, and Asterisk sends OriginateResponse to every
 * manager session, so the answer may still come on the next link.
 * An answered call is watched {@link #SCRIPT_LIMIT} longer: if its script never reports (it never
 * ran: agi.allow, a full pool, a wrong context; or it stopped mid-call) it is reported NO_ANSWER
 * (AMI_SCRIPT_SILENT). When the script did report, the engine ignores this one: the page is no
 * longer SENT under this call (DELIVERED, rescheduled, or sent again with another provider id).
 */
public final class AsteriskVoiceChannel implements PageChannel, AmiSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(AsteriskVoiceChannel.class);
    public static final String PAGE_ID_VARIABLE = "PAGERLINE_PAGE_ID";

    private final AmiSession session;
    private final AmiConfig config;
    /** How long after the ring timeout an OriginateResponse may still come before we stop waiting. */
    static final Duration RESPONSE_MARGIN = Duration.ofSeconds(30);
    /** How often overdue originates are looked for. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(5);
    /**
     * How long after the answer the paging call's script may take to report: three plays of the
     * message (a recording up to line.max-message, 3 min by default) with the menu wait each time.
     */
    static final Duration SCRIPT_LIMIT = Duration.ofMinutes(10);

    private final PageResponses responses;
    private final Clock clock;
    /** ActionID to the call placed, for originates whose response has not come yet. Removed exactly once. */
    private final Map<String, Placed> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /**
     * A call placed at {@code at}; {@code answeredAt} set on reason 4 (then only the script's report is
     * awaited); {@code linkLost} once the AMI link dropped while its response was awaited.
     */
    private record Placed(long pageId, Instant at, Instant answeredAt, boolean linkLost) {
        Placed answered(Instant when) {
            return new Placed(pageId, at, when, linkLost);
        }

        Placed lost() {
            return new Placed(pageId, at, answeredAt, true);
        }
    }

    public AsteriskVoiceChannel(AmiSession session, AmiConfig config, PageResponses responses, Clock clock) {
        this.session = session;
        this.config = config;
        this.responses = responses;
        this.clock = clock;
    }

    /** Registers for OriginateResponse events and the link's drops; sweeps overdue originates. */
    public AsteriskVoiceChannel start() {
        session.addListener(this);
        session.every(SWEEP_INTERVAL, this::expireOverdue);
        return this;
    }

    @Override
    public Channel channel() {
        return Channel.VOICE;
    }

    @Override
    public String name() {
        return "asterisk-voice";
    }

    @Override
    public SendResult send(OutgoingPage page) {
        if (!session.isUp()) {
            return SendResult.temporary("AMI_DOWN", "Asterisk Manager Interface is not connected");
        }
        String actionId = "pagerline-page-" + page.pageId() + "-" + page.attempt() + "-" + sequence.incrementAndGet();
        OriginateAction a = new OriginateAction();
        a.setActionId(actionId);
        a.setChannel(config.pageDialString(page.to()));
        a.setContext(config.pageContext());
        a.setExten("s");
        a.setPriority(1);
        a.setAsync(true);
        a.setTimeout(config.pageRingTimeout().toMillis());
        if (config.pageCallerId() != null) {
            a.setCallerId(config.pageCallerId());
        }
        a.setVariable(PAGE_ID_VARIABLE, Long.toString(page.pageId()));
        pending.put(actionId, new Placed(page.pageId(), clock.instant(), null, false));
        try {
            ManagerResponse r = session.send(a);
            if (r == null || !"Success".equalsIgnoreCase(r.getResponse())) {
                pending.remove(actionId);
                return SendResult.temporary("ORIGINATE_REFUSED", "Asterisk refused the call: "
                        + (r == null ? "no response" : r.getMessage()));
            }
            log.info("page {}: calling {} (action {})", page.pageId(), page.to(), actionId);
            return SendResult.accepted(actionId);
        } catch (AmiException e) {
            pending.remove(actionId);
            return SendResult.temporary("AMI_ERROR", e.getMessage());
        }
    }

    /** Paging calls placed and not yet failed or rung out, nor answered and given up on. */
    public int pendingCalls() {
        return pending.size();
    }

    /** Of those, the calls answered whose paging call's script has not reported yet. */
    int answeredCalls() {
        return (int) pending.values().stream().filter(p -> p.answeredAt() != null).count();
    }

    @Override
    public void onEvent(ManagerEvent event) {
        if (!(event instanceof OriginateResponseEvent e)) {
            return;
        }
        String actionId = e.getActionId();
        Placed placed = actionId == null ? null : pending.get(actionId);
        if (placed == null || placed.answeredAt() != null) {
            log.debug("OriginateResponse for an action that is not ours (or given up on, or repeated): {}", actionId);
            return;
        }
        long pageId = placed.pageId();
        int reason = e.getReason() == null ? 0 : e.getReason();
        DeliveryReport.Outcome outcome = outcome(reason);
        if (outcome == null) {
            pending.replace(actionId, placed, placed.answered(clock.instant()));
            log.info("page {}: answered; the paging call reports whether a key was pressed", pageId);
            return;
        }
        if (!pending.remove(actionId, placed)) {
            return;
        }
        String detail = switch (reason) {
            case 4 -> "answered";
            case 1 -> "hung up before answering";
            case 3 -> "rang out, no answer";
            case 5 -> "busy";
            case 8 -> "congestion (network busy)";
            default -> "call failed (Asterisk reason " + reason + ")";
        };
        log.info("page {}: {} ({})", pageId, detail, outcome);
        responses.onDelivery(new DeliveryReport(pageId, actionId, outcome, "ami-reason-" + reason, detail));
    }

    /**
     * The link dropped. The calls placed on it may still ring (a second call now would ring the same
     * phone twice), so each is given up on only at its usual deadline, then as AMI_LOST.
     */
    @Override
    public void onDisconnected() {
        for (Map.Entry<String, Placed> e : pending.entrySet()) {
            if (e.getValue().answeredAt() == null) {
                pending.replace(e.getKey(), e.getValue(), e.getValue().lost());
            }
        }
    }

    /**
     * Reports originates whose response is overdue (ring timeout + margin) and answered calls whose
     * script never reported ({@link #SCRIPT_LIMIT}). Runs on the ami-worker.
     */
    void expireOverdue() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(config.pageRingTimeout()).minus(RESPONSE_MARGIN);
        Instant scriptCutoff = now.minus(SCRIPT_LIMIT);
        for (Map.Entry<String, Placed> e : pending.entrySet()) {
            Placed p = e.getValue();
            if (p.answeredAt() != null) {
                if (p.answeredAt().isBefore(scriptCutoff)) {
                    giveUp(e.getKey(), p, DeliveryReport.Outcome.NO_ANSWER, "AMI_SCRIPT_SILENT",
                            "answered, but the paging call never said whether a key was pressed");
                }
            } else if (p.at().isBefore(cutoff)) {
                if (p.linkLost()) {
                    giveUp(e.getKey(), p, DeliveryReport.Outcome.TEMPORARY_FAILURE, "AMI_LOST",
                            "the Asterisk Manager link dropped and the call's result never came");
                } else {
                    giveUp(e.getKey(), p, DeliveryReport.Outcome.TEMPORARY_FAILURE, "AMI_NO_RESPONSE",
                            "Asterisk never said how the call ended");
                }
            }
        }
    }

    private void giveUp(String actionId, Placed placed, DeliveryReport.Outcome outcome, String code, String detail) {
        if (pending.remove(actionId, placed)) {
            log.warn("page {}: {} (action {})", placed.pageId(), detail, actionId);
            try {
                responses.onDelivery(new DeliveryReport(placed.pageId(), actionId, outcome, code, detail));
            } catch (RuntimeException ex) {
                log.error("page {}: could not report {}: {}", placed.pageId(), code, ex.getMessage(), ex);
            }
        }
    }

    /** The delivery result an OriginateResponse reason means; null for 4 (answered: not final). */
    static DeliveryReport.Outcome outcome(int reason) {
        return switch (reason) {
            case 4 -> null;
            case 1, 3, 5 -> DeliveryReport.Outcome.NO_ANSWER;
            default -> DeliveryReport.Outcome.TEMPORARY_FAILURE;
        };
    }
}
