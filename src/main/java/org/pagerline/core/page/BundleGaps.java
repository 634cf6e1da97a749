package org.pagerline.core.page;

import java.time.Duration;

/**
 * How urgent messages to one phone are paced, instead of the rate limit: the first urgent message
 * (a page asking for an acknowledgement, or a who-took-it notice) to a phone on a channel goes at
 * once; another one within {@code gap} of it waits until the gap is over, and everything urgent
 * then pending for that phone and channel goes out as ONE message (a bundle). So an urgent message
 * waits at most one gap, never behind the rate limit, and a phone gets at most one urgent message
 * per gap per channel however many incidents are open.
 *
 * @param sms the gap between two urgent texts to one phone
 * @param voice the gap between two paging calls to one phone (a paging call takes a minute or so to hear)
 */
public record BundleGaps(Duration sms, Duration voice) {

    public BundleGaps {
        if (sms == null || voice == null || sms.isNegative() || voice.isNegative()) {
            throw new IllegalArgumentException("bundle gaps cannot be negative");
        }
    }

    /** 30 s between urgent texts, 60 s between paging calls. */
    public static BundleGaps defaults() {
        return new BundleGaps(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    public Duration of(Channel c) {
        return c == Channel.SMS ? sms : voice;
    }
}
