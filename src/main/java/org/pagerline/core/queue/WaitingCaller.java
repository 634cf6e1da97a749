package org.pagerline.core.queue;

import java.time.Instant;

/**
 * A caller waiting in Asterisk's help-desk queue, as last reported over AMI (set by the AMI
 * adapter from QueueCallerJoin / QueueStatus, removed on QueueCallerLeave).
 *
 * @param uniqueId the caller's Asterisk channel unique id
 * @param position 1 = next to be answered
 * @param since when the caller joined the queue
 */
public record WaitingCaller(String uniqueId, String queue, String callerNumber, String callerName, int position,
        Instant since) {}
