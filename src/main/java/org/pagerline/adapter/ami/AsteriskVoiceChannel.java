package org.pagerline.adapter.ami;

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
 * reason 4 answered → DELIVERED (answered is not acknowledged: only a key press is);
 * 1 hung up, 3 no answer, 5 busy → NO_ANSWER; 8 congestion and anything else → TEMPORARY_FAILURE.
 */
public final class AsteriskVoiceChannel implements PageChannel, AmiSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(AsteriskVoiceChannel.class);
    public static final String PAGE_ID_VARIABLE = "PAGERLINE_PAGE_ID";

    private final AmiSession session;
    private final AmiConfig config;
    private final PageResponses responses;
    /** ActionID to page id, for originates whose response has not come yet. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    public AsteriskVoiceChannel(AmiSession session, AmiConfig config, PageResponses responses) {
        this.session = session;
        this.config = config;
        this.responses = responses;
    }

    /** Registers for OriginateResponse events. */
    public AsteriskVoiceChannel start() {
        session.addListener(this);
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
        pending.put(actionId, page.pageId());
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
        Long pageId = actionId == null ? null : pending.remove(actionId);
        if (pageId == null) {
            log.debug("OriginateResponse for an action that is not ours: {}", actionId);
            return;
        }
        int reason = e.getReason() == null ? 0 : e.getReason();
        DeliveryReport.Outcome outcome = outcome(reason);
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

    static DeliveryReport.Outcome outcome(int reason) {
        return switch (reason) {
            case 4 -> DeliveryReport.Outcome.DELIVERED;
            case 1, 3, 5 -> DeliveryReport.Outcome.NO_ANSWER;
            default -> DeliveryReport.Outcome.TEMPORARY_FAILURE;
        };
    }
}
