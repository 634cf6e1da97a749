package org.pagerline.service;

/**
 * Port, implemented by the support-line service and called by the AMI adapter: something
 * Asterisk's queue reported about a call, identified by the channel's Asterisk unique id.
 * Unknown ids (calls pagerline never saw) are logged and ignored.
 *
 * @param kind QUEUE_JOINED, QUEUE_NOT_TAKEN (a technician's phone rang out or answered without their 1),
 *             QUEUE_ANSWERED, QUEUE_LEFT (left unanswered: what Asterisk 22 reports as an abandon,
 *             whatever the reason), QUEUE_ABANDONED (older pagerline nodes)
 * @param detail a sentence for the ticket timeline ("left the queue unanswered at position 3 after 4m12s")
 */
@FunctionalInterface
public interface CallEvents {
    void onQueueEvent(String asteriskUniqueId, String kind, String detail);
}
