package org.pagerline.adapter.agi;

import java.util.regex.Pattern;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.pagerline.config.LineConfig;
import org.pagerline.service.CallService;
import org.pagerline.service.LogText;
import org.pagerline.service.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FastAGI script "fallback-message": the dialplan's {@code h} extension hands over the message its
 * fallback voicemail recorded, once the caller has hung up (a dead channel: no prompt is played).
 * Argument: the recording's name as Asterisk knows it, without extension, which must be a file in
 * the {@code fallback} folder under {@code line.recordings-dir} whose name ends in "-" and the
 * call's unique id (the request's). Once the message is saved (on the call's ticket; an urgent
 * caller paged with it) it sets {@code PAGERLINE_FALLBACK_TAKEN=1}, and the dialplan stops;
 * otherwise the dialplan tries the next node. Any other name is refused and logged, and nothing
 * is written.
 */
public final class FallbackMessageScript implements AgiScript {
    public static final String NAME = "fallback-message";
    static final String VAR_TAKEN = "PAGERLINE_FALLBACK_TAKEN";
    private static final Logger log = LoggerFactory.getLogger(FallbackMessageScript.class);
    /** A file name as the shipped dialplan makes them (time, caller's digits, unique id), nothing that leaves the folder. */
    private static final Pattern NAME_IN_FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private final CallService calls;
    private final String folder;

    /** @param recordingsDir {@code line.recordings-dir}: the fallback's folder is {@code fallback} in it */
    public FallbackMessageScript(CallService calls, String recordingsDir) {
        this.calls = calls;
        this.folder = recordingsDir + "/" + LineConfig.FALLBACK_FOLDER + "/";
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) {
        String[] args = request.getArguments();
        String recording = args == null || args.length == 0 ? "" : args[0].trim();
        try {
            String name = recordingName(recording, request.getUniqueId());
            CallService.FallbackTaken t = calls.fallbackMessage(request.getUniqueId(), name, request.getCallerIdNumber(),
                    request.getCallerIdName());
            log.info("fallback message {} of call {}: ticket {}, {}", LogText.of(name), LogText.of(request.getUniqueId()),
                    t.ticketId(), t.what());
        } catch (ValidationException e) {
            log.error("fallback message '{}' of call {} refused: {}", LogText.of(recording),
                    LogText.of(request.getUniqueId()), e.getMessage());
            return; // no other node would take it either: the file stays in the folder, named in this line
        } catch (RuntimeException e) {
            log.error("fallback message {} of call {} not saved (it stays in the folder; the dialplan tries the next"
                    + " node): {}", LogText.of(recording), LogText.of(request.getUniqueId()), e.toString(), e);
            return;
        }
        try {
            channel.sendCommand(AgiText.set(VAR_TAKEN, "1"));
        } catch (org.asteriskjava.fastagi.AgiException | RuntimeException e) {
            // saved all the same; the dialplan may hand it to the next node, which changes nothing
            log.debug("could not tell the dialplan the fallback message was taken: {}", e.toString());
        }
    }

    /**
     * The recording's name if it is a file of the fallback's folder made for this call (the shipped
     * dialplan ends its name with "-" and the channel's unique id, so a hand-over cannot pin one
     * caller's file on another call), else why not.
     */
    String recordingName(String recording, String uniqueId) {
        if (recording.isEmpty()) {
            throw new ValidationException("no recording named (the dialplan passes ${PAGERLINE_FALLBACK})");
        }
        if (!recording.startsWith(folder)) {
            throw new ValidationException("not in the fallback folder " + folder + " (line.recordings-dir)");
        }
        String file = recording.substring(folder.length());
        if (!NAME_IN_FOLDER.matcher(file).matches() || file.contains("..")) {
            throw new ValidationException("'" + file + "' is not a file name of the fallback folder (letters, digits,"
                    + " '.', '_', '-'; no '..')");
        }
        if (uniqueId == null || uniqueId.isBlank() || !file.endsWith("-" + uniqueId.trim())) {
            throw new ValidationException("'" + file + "' is not this call's: the dialplan names it ending in -"
                    + uniqueId + " (the channel's unique id)");
        }
        return recording;
    }
}
