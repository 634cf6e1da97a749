package org.pagerline.service;

import org.pagerline.core.call.Call;

/**
 * An urgent message with its incident could not be written, nor, tried again, the line saying so
 * ({@link CallService#leaveMessage}): what it held ({@link #lost}) is nowhere but here. The caller
 * belongs to the dialplan's fallback voicemail; the call's last save gives it back to the call,
 * which fails, and pages the caller with the message they left ({@link CallService#saveLast(LiveCall,
 * SavingMessage, boolean)}).
 */
public final class MessageNotSavedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Call.Progress lost;

    MessageNotSavedException(Call.Progress lost, Throwable cause) {
        super("the urgent message and its incident could not be saved: " + cause.getMessage(), cause);
        this.lost = lost;
    }

    Call.Progress lost() {
        return lost;
    }
}
