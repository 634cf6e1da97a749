package org.pagerline.adapter.agi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * otherwise the dialplan tries the next node: also when the save takes longer than
 * {@code line.wait-limit} (the database slow, the call's ticket held by another node), while this
 * node goes on saving it (a repeat of a hand-over changes nothing). Any other name is refused and
 * logged, and nothing is written.
 */
public final class FallbackMessageScript implements AgiScript {
    public static final String NAME = "fallback-message";
    static final String VAR_TAKEN = "PAGERLINE_FALLBACK_TAKEN";
    private static final Logger log = LoggerFactory.getLogger(FallbackMessageScript.class);
    /** A file name as the shipped dialplan makes them (time, caller's digits, unique id), nothing that leaves the folder. */
    private static final Pattern NAME_IN_FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private final CallService calls;
    private final String folder;
    /** The longest the dialplan's {@code h} extension waits for the message to be saved ({@code line.wait-limit}). */
    private final Duration waitLimit;
    /** Saves under way on this node, by recording. */
    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<CallService.FallbackTaken>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Saves the hand-overs, so that one the database holds up goes on past {@link #waitLimit} without Asterisk. */
    private final ExecutorService saving = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fallback-hand-over");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param recordingsDir {@code line.recordings-dir}: the fallback's folder is {@code fallback} in it
     * @param waitLimit     {@code line.wait-limit}: past it the dialplan is let go (it tries the next
     *                      node) and the message is saved here all the same, once the database lets it
     */
    public FallbackMessageScript(CallService calls, String recordingsDir, Duration waitLimit) {
        this.calls = calls;
        this.folder = recordingsDir + "/" + LineConfig.FALLBACK_FOLDER + "/";
        this.waitLimit = waitLimit;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) {
        String[] args = request.getArguments();
        String recording = args == null || args.length == 0 ? "" : args[0].trim();
        String uid = request.getUniqueId();
        String name;
        try {
            name = recordingName(recording, uid);
        } catch (ValidationException e) {
            log.error("fallback message '{}' of call {} refused: {}", LogText.of(recording), LogText.of(uid), e.getMessage());
            return; // no other node would take it either: the file stays in the folder, named in this line
        }
        // one save per message on this node: the dialplan hands it to this node again when it is the
        // only one (PAGERLINE_NODE, then [pagerline-agi-hosts]); the second waits for the first's
        CompletableFuture<CallService.FallbackTaken> mine = new CompletableFuture<>();
        CompletableFuture<CallService.FallbackTaken> save = inFlight.putIfAbsent(name, mine);
        if (save == null) {
            save = mine;
            CompletableFuture.supplyAsync(() -> calls.fallbackMessage(uid, name, request.getCallerIdNumber(),
                    request.getCallerIdName()), saving).whenComplete((t, e) -> {
                        inFlight.remove(name, mine);
                        if (e == null) {
                            mine.complete(t);
                        } else {
                            mine.completeExceptionally(e instanceof java.util.concurrent.CompletionException
                                    && e.getCause() != null ? e.getCause() : e);
                        }
                    });
        }
        try {
            CallService.FallbackTaken t = save.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
            log.info("fallback message {} of call {}: ticket {}, {}", LogText.of(name), LogText.of(uid), t.ticketId(), t.what());
        } catch (TimeoutException e) {
            log.warn("fallback message {} of call {} not saved within line.wait-limit ({} ms: the database slow, or the"
                    + " call's ticket held): the dialplan tries the next node, and this node saves it once it can",
                    LogText.of(name), LogText.of(uid), waitLimit.toMillis());
            tellWhenSaved(save, name, uid);
            return;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ValidationException v) {
                log.error("fallback message '{}' of call {} refused: {}", LogText.of(recording), LogText.of(uid), v.getMessage());
            } else {
                log.error("fallback message {} of call {} not saved (it stays in the folder; the dialplan tries the next"
                        + " node): {}", LogText.of(name), LogText.of(uid), String.valueOf(cause), cause);
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("fallback message {} of call {}: the wait was interrupted; the dialplan tries the next node, and"
                    + " this node saves it once it can", LogText.of(name), LogText.of(uid));
            tellWhenSaved(save, name, uid);
            return;
        }
        try {
            channel.sendCommand(AgiText.set(VAR_TAKEN, "1"));
        } catch (org.asteriskjava.fastagi.AgiException | RuntimeException e) {
            // saved all the same; the dialplan may hand it to the next node, which changes nothing
            log.debug("could not tell the dialplan the fallback message was taken: {}", e.toString());
        }
    }

    /** Logs how a save the dialplan stopped waiting for ended. */
    private static void tellWhenSaved(CompletableFuture<CallService.FallbackTaken> save, String name, String uid) {
        save.whenComplete((t, late) -> {
            if (late == null) {
                log.info("fallback message {} of call {}: saved late: ticket {}, {}", LogText.of(name), LogText.of(uid),
                        t.ticketId(), t.what());
            } else {
                log.error("fallback message {} of call {} not saved (it stays in the folder): {}", LogText.of(name),
                        LogText.of(uid), late.toString(), late);
            }
        });
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
