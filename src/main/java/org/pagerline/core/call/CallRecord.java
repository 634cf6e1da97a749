package org.pagerline.core.call;

import java.time.Instant;

/**
 * One support-line call (a ticket may have several). Keyed by Asterisk's unique id of the
 * caller's channel, which is how the AMI queue events find their ticket.
 *
 * @param lastStep     the last step announced; with outcome HUNG_UP, where the caller left
 * @param acceptedBy   technician id who pressed the accept key, or null
 * @param answeredBy   who answered in the queue (from AMI), or null
 * @param abandonedPosition where the caller left the queue unanswered (from AMI: a hang-up, the wait
 *                     limit or an emptied queue alike; the outcome and the timeline say which), or null
 * @param recording    recording name as Asterisk knows it (path without extension), or null
 */
public record CallRecord(long id, String asteriskUniqueId, long ticketId, String callerId, Instant startedAt,
        Instant endedAt, CallStep lastStep, CallOutcome outcome, Long acceptedBy, String answeredBy,
        Integer abandonedPosition, Long waitedSeconds, String recording) {

    public CallRecord withStep(CallStep s) {
        return new CallRecord(id, asteriskUniqueId, ticketId, callerId, startedAt, endedAt, s, outcome, acceptedBy,
                answeredBy, abandonedPosition, waitedSeconds, recording);
    }

    public CallRecord ended(Instant at, CallOutcome o) {
        return new CallRecord(id, asteriskUniqueId, ticketId, callerId, startedAt, at, lastStep, o, acceptedBy,
                answeredBy, abandonedPosition, waitedSeconds, recording);
    }

    public CallRecord withAcceptedBy(long technicianId) {
        return new CallRecord(id, asteriskUniqueId, ticketId, callerId, startedAt, endedAt, lastStep, outcome,
                technicianId, answeredBy, abandonedPosition, waitedSeconds, recording);
    }

    public CallRecord withAnsweredBy(String who) {
        return new CallRecord(id, asteriskUniqueId, ticketId, callerId, startedAt, endedAt, lastStep, outcome,
                acceptedBy, who, abandonedPosition, waitedSeconds, recording);
    }

    public CallRecord withAbandoned(Integer position, Long waited) {
        return new CallRecord(id, asteriskUniqueId, ticketId, callerId, startedAt, endedAt, lastStep, outcome,
                acceptedBy, answeredBy, position, waited, recording);
    }

    public CallRecord withRecording(String name) {
        return new CallRecord(id, asteriskUniqueId, ticketId, callerId, startedAt, endedAt, lastStep, outcome,
                acceptedBy, answeredBy, abandonedPosition, waitedSeconds, name);
    }
}
