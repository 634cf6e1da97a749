package org.pagerline.adapter.log;

import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel used when no provider is configured for it: prints the page to the log and calls
 * it accepted, so the embedded default shows the whole paging cycle without a phone line.
 */
public final class LogPageChannel implements PageChannel {
    private static final Logger log = LoggerFactory.getLogger(LogPageChannel.class);
    private final Channel channel;

    public LogPageChannel(Channel channel) {
        this.channel = channel;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public SendResult send(OutgoingPage p) {
        log.info("PAGE id={} incident={} ticket={} {} to {} ({}) attempt {}: {}", p.pageId(), p.incidentId(), p.ticketId(),
                p.channel(), p.technicianName(), p.to(), p.attempt(), p.text());
        return SendResult.accepted("log-" + p.pageId() + "-" + p.attempt());
    }
}
