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
 * A call whose response never comes is not forgotten: when the AMI link drops, or once
 * {@code ami.page-ring-timeout} + {@link #RESPONSE_MARGIN} has passed, it is reported as a
 * TEMPORARY_FAILURE (AMI_LOST / AMI_NO_RESPONSE), so the engine tries again.
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

    private final PageResponses responses;
    private final Clock clock;
    /** ActionID to the call placed, for originates whose response has not come yet. Removed exactly once. */
    private final Map<String, Placed> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    private record Placed(long pageId, Instant at) {}

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
        pending.put(actionId, new Placed(page.pageId(), clock.instant()));
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

    /** Paging calls placed and not yet answered, failed or rung out. */
    public int pendingCalls() {
        return pending.size();
    }

    @Override
    public void onEvent(ManagerEvent event) {
        if (!(event instanceof OriginateResponseEvent e)) {
            return;
        }
        String actionId = e.getActionId();
        Placed placed = actionId == null ? null : pending.remove(actionId);
        if (placed == null) {
            log.debug("OriginateResponse for an action that is not ours (or given up on): {}", actionId);
            return;
        }
        long pageId = placed.pageId();
        int reason = e.getReason() == null ? 0 : e.getReason();
        DeliveryReport.Outcome outcome = outcome(reason);
        if (outcome == null) {
            log.info("page {}: answered; the paging call reports whether a key was pressed", pageId);
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

    /** The link dropped: responses to calls placed on it will never come. */
    @Override
    public void onDisconnected() {
        giveUp(e -> true, "AMI_LOST", "the Asterisk Manager link dropped before the call's result came");
    }

    /** Reports originates whose response is overdue (ring timeout + margin). Runs on the ami-worker. */
    void expireOverdue() {
        Instant cutoff = clock.instant().minus(config.pageRingTimeout()).minus(RESPONSE_MARGIN);
        giveUp(p -> p.at().isBefore(cutoff), "AMI_NO_RESPONSE", "Asterisk never said how the call ended");
    }

    private void giveUp(java.util.function.Predicate<Placed> which, String code, String detail) {
        for (Map.Entry<String, Placed> e : pending.entrySet()) {
            if (which.test(e.getValue()) && pending.remove(e.getKey(), e.getValue())) {
                log.warn("page {}: {} (action {})", e.getValue().pageId(), detail, e.getKey());
                try {
                    responses.onDelivery(new DeliveryReport(e.getValue().pageId(), e.getKey(),
                            DeliveryReport.Outcome.TEMPORARY_FAILURE, code, detail));
                } catch (RuntimeException ex) {
                    log.error("page {}: could not report {}: {}", e.getValue().pageId(), code, ex.getMessage(), ex);
                }
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
