package org.pagerline.service;

/**
 * What a channel adapter says when handing over a page. Final delivery (answered, delivered,
 * failed later) arrives afterwards through {@link PageResponses#onDelivery}.
 *
 * @param providerId the provider's id for the message or call (Twilio SID, AMI ActionID); may be null
 * @param errorCode the provider's error code when failed (e.g. Twilio 21610); may be null
 */
public record SendResult(Status status, String providerId, String errorCode, String detail) {

    public enum Status {
        /** Handed over; a delivery report may follow. */
        ACCEPTED,
        /** Worth retrying later with back-off (timeout, 5xx, unreachable). */
        TEMPORARY_FAILURE,
        /** Retrying will not help (STOP, invalid number): move to the next channel or person. */
        PERMANENT_FAILURE,
        /**
         * The request may have reached the provider but no answer came (a read timeout): not a failed
         * send. The page is retried on the same schedule as a temporary failure, but the provider is
         * asked first ({@link PageChannel#lookUp}) and the page is not sent again if it has it.
         */
        UNKNOWN
    }

    /**
     * The {@code errorCode} (here and in {@link DeliveryReport}) of a PERMANENT_FAILURE because the
     * recipient opted out of texts (sent STOP to the provider). The channel adapter maps its own code
     * to this one (Twilio 21610); paging then records the phone as opted out and pages it by voice.
     */
    public static final String OPTED_OUT = "OPTED_OUT";

    public static SendResult accepted(String providerId) {
        return new SendResult(Status.ACCEPTED, providerId, null, "accepted");
    }

    public static SendResult temporary(String errorCode, String detail) {
        return new SendResult(Status.TEMPORARY_FAILURE, null, errorCode, detail);
    }

    public static SendResult unknown(String detail) {
        return new SendResult(Status.UNKNOWN, null, null, detail);
    }

    public static SendResult permanent(String errorCode, String detail) {
        return new SendResult(Status.PERMANENT_FAILURE, null, errorCode, detail);
    }
}
