package org.pagerline.core.page;

/**
 * When a call-back from the paging call counts. The technician is asked "if you spoke with the
 * caller, press 1"; one who ends the call by hanging up cannot be asked, so the bridged time
 * decides: a voicemail greeting is hung up on sooner than this. One rule for every voice channel.
 */
public final class CallbackRule {
    /** Seconds connected to the caller that count as having spoken with them. */
    public static final int SPOKE_SECONDS = 20;

    private CallbackRule() {}

    public static boolean spoke(Long connectedSeconds) {
        return connectedSeconds != null && connectedSeconds >= SPOKE_SECONDS;
    }
}
