package org.pagerline.service;

/**
 * A delivery result arriving after the send: a Twilio status callback, an AMI OriginateResponse.
 *
 * @param pageId the outbox row, when the adapter knows it; otherwise 0 and {@code providerId} is used
 * @param outcome DELIVERED (SMS delivered / call answered), TEMPORARY_FAILURE, PERMANENT_FAILURE,
 *                NO_ANSWER (rang out, busy, or a machine that pressed nothing: a failed attempt)
 */
public record DeliveryReport(long pageId, String providerId, Outcome outcome, String errorCode, String detail) {
    public enum Outcome { DELIVERED, NO_ANSWER, TEMPORARY_FAILURE, PERMANENT_FAILURE }
}
