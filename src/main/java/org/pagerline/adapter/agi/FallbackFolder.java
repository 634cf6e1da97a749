package org.pagerline.adapter.agi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.pagerline.config.LineConfig;
import org.pagerline.service.CallService;
import org.pagerline.service.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a start, the messages the dialplan's fallback voicemail recorded while no pagerline answered
 * its hand-over (a single node down when the caller hung up), when this node can read the folder:
 * Asterisk on the same host, or the folder shared. A message is taken only for a call pagerline
 * knows, ended as cut off or failed, with no fallback message yet (so never twice, and never an
 * old message of a call nobody here served); it goes through the same hand-over as the dialplan's
 * ({@link CallService#fallbackMessage}): on the ticket, and an urgent caller's incident pages with
 * it. Where the folder is not here, nothing happens.
 */
public final class FallbackFolder {
    private static final Logger log = LoggerFactory.getLogger(FallbackFolder.class);
    /** As the dialplan's h extension: under half a second of sound is not a message. */
    static final long LEAST_BYTES = 8044;
    private final CallService calls;
    private final Path folder;
    private final Duration within;

    /**
     * @param recordingsDir {@code line.recordings-dir}; the fallback's folder is {@code fallback} in it
     * @param within        only files written this recently (the server's: 7 days)
     */
    public FallbackFolder(CallService calls, String recordingsDir, Duration within) {
        this.calls = calls;
        this.folder = Path.of(recordingsDir, LineConfig.FALLBACK_FOLDER);
        this.within = within;
    }

    /** Hands over what the folder holds for calls still owed their message; returns how many. Never throws. */
    public int handOverLeft() {
        if (!Files.isDirectory(folder) || !Files.isReadable(folder)) {
            return 0; // Asterisk's folder is on another host: the h extension is the only way in
        }
        Instant since = calls.now().minus(within);
        List<Path> files;
        try (Stream<Path> all = Files.list(folder)) {
            files = all.filter(p -> p.getFileName().toString().endsWith(".wav")).sorted().toList();
        } catch (IOException | RuntimeException e) {
            log.warn("could not read the fallback folder {}: {}", folder, e.toString());
            return 0;
        }
        int taken = 0;
        for (Path f : files) {
            try {
                String name = f.getFileName().toString();
                String base = name.substring(0, name.length() - ".wav".length());
                String uid = uniqueIdOf(base);
                if (uid == null || Files.size(f) < LEAST_BYTES || Files.getLastModifiedTime(f).toInstant().isBefore(since)
                        || !calls.awaitsFallback(uid)) {
                    continue;
                }
                String recording = folder + "/" + base;
                CallService.FallbackTaken t = calls.fallbackMessage(uid, recording, null, null);
                log.warn("fallback message {} was never handed over (no pagerline answered at the hang-up): taken now,"
                        + " ticket {}, {}", LogText.of(recording), t.ticketId(), t.what());
                taken++;
            } catch (IOException | RuntimeException e) {
                log.warn("fallback message {} not taken: {}", LogText.of(f.toString()), e.toString());
            }
        }
        return taken;
    }

    /** {@code <yyyyMMdd-HHmmss>-<caller digits>-<unique id>}, as the shipped dialplan names them (the digits may be empty). */
    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9]*-([0-9]+\\.[0-9]+)");

    /** The channel's unique id a fallback file name ends with; null if it is not a name the dialplan makes. */
    static String uniqueIdOf(String base) {
        java.util.regex.Matcher m = NAME.matcher(base);
        return m.matches() ? m.group(1) : null;
    }
}
