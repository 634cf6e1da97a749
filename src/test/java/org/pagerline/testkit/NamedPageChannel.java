package org.pagerline.testkit;

import org.pagerline.core.page.Channel;
import org.pagerline.service.PageChannel;

/** A test's page channel with its channel and name fixed; what it does with a page is the subclass's. */
public abstract class NamedPageChannel implements PageChannel {
    private final Channel channel;
    private final String name;

    protected NamedPageChannel(Channel channel, String name) {
        this.channel = channel;
        this.name = name;
    }

    @Override
    public final Channel channel() {
        return channel;
    }

    @Override
    public final String name() {
        return name;
    }
}
