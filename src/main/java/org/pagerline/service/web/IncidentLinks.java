package org.pagerline.service.web;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;

/**
 * The SMS channel with a link to the incident's console page at the end of every page and notice
 * ({@code <http.public-url>/console/incidents/<id>}), so a technician opens it from the text on
 * a phone. The wording itself stays where it is written; only the link is added, here.
 */
public final class IncidentLinks implements PageChannel {
    private final PageChannel sms;
    private final String publicUrl;

    public IncidentLinks(PageChannel sms, String publicUrl) {
        this.sms = sms;
        this.publicUrl = publicUrl;
    }

    public static PageChannel around(PageChannel channel, String publicUrl) {
        return channel.channel() == Channel.SMS ? new IncidentLinks(channel, publicUrl) : channel;
    }

    static OutgoingPage linked(OutgoingPage p, String publicUrl) {
        if (p.incidentId() <= 0) {
            return p;
        }
        return new OutgoingPage(p.pageId(), p.incidentId(), p.ticketId(), p.channel(), p.to(), p.technicianName(),
                p.text() + " " + publicUrl + "/console/incidents/" + p.incidentId(), p.recording(), p.replyCode(), p.attempt());
    }

    @Override
    public Channel channel() {
        return sms.channel();
    }

    @Override
    public String name() {
        return sms.name();
    }

    @Override
    public SendResult send(OutgoingPage page) {
        return sms.send(linked(page, publicUrl));
    }

    @Override
    public Optional<SendResult> lookUp(OutgoingPage page, Instant since, BiPredicate<String, Instant> mayBeAnothers) {
        return sms.lookUp(linked(page, publicUrl), since, mayBeAnothers);
    }
}
