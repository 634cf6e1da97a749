package org.pagerline.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pagerline.core.page.Channel;
import org.pagerline.service.OutgoingPage;
import org.pagerline.service.PageChannel;
import org.pagerline.service.SendResult;
import org.pagerline.testkit.NamedPageChannel;

class PagingSmsCarriesTheIncidentLinkTest {
    static PageChannel recording(Channel c, List<OutgoingPage> sent) {
        return new NamedPageChannel(c, "test") {
            @Override
            public SendResult send(OutgoingPage page) {
                sent.add(page);
                return SendResult.accepted("x");
            }
        };
    }

    @Test
    void anSmsPageEndsWithTheIncidentsConsolePageAndAVoicePageIsUntouched() {
        List<OutgoingPage> sent = new ArrayList<>();
        PageChannel linked = IncidentLinks.around(recording(Channel.SMS, sent), "https://desk.example.com");
        linked.send(new OutgoingPage(5, 12, 7, Channel.SMS, "+12045550101", "Pat", "Jane Doe (Acme Ltd) called. Reply 12a",
                null, "12", 1));
        assertEquals("Jane Doe (Acme Ltd) called. Reply 12a https://desk.example.com/console/incidents/12", sent.get(0).text());
        PageChannel voice = recording(Channel.VOICE, sent);
        assertSame(voice, IncidentLinks.around(voice, "https://desk.example.com"));
    }
}
