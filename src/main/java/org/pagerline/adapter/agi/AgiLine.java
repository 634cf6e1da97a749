package org.pagerline.adapter.agi;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.command.AnswerCommand;
import org.asteriskjava.fastagi.command.HangupCommand;
import org.asteriskjava.fastagi.reply.AgiReply;
import org.pagerline.core.call.Menu;
import org.pagerline.core.call.Prompt;

/**
 * One call's AGI channel, with the hang-up rule asterisk-java leaves to us: a {@code 200 result=-1}
 * reply (the caller hung up while the command ran) raises nothing in asterisk-java, so every
 * command that plays or listens turns it into an {@link AgiHangupException} here. A {@code 511}
 * after a {@code HANGUP} line already raises one. Not shared between calls.
 */
final class AgiLine {
    private final AgiChannel channel;

    AgiLine(AgiChannel channel) {
        this.channel = channel;
    }

    /**
     * The result of RECORD FILE: whether the caller hung up while recording, its length, when no
     * message was recorded why (null when one was), and whether Asterisk could not write the file at
     * all (its spool folder, its disk).
     */
    record Recording(boolean hungUp, long seconds, String nothing, boolean notWritable) {}

    /** Under this many samples (half a second at 8 kHz) a hang-up left no words: the fallback's own bound. */
    static final long LEAST_MESSAGE_SAMPLES = 4000;

    void answer() throws AgiException {
        alive(channel.sendCommand(new AnswerCommand()));
    }

    void play(Prompt p) throws AgiException {
        playSound(p.file());
    }

    /**
     * A sound file by name (a prompt, or a core sound such as digits/day-1), through the Playback
     * application rather than STREAM FILE: Asterisk 22 fails STREAM FILE of a missing file, and
     * res_agi then ends the script with AGISTATUS=FAILURE (the dialplan's fallback) even though the
     * script carried on. Playback of a missing file only warns and sets PLAYBACKSTATUS=FAILED;
     * it returns -1 only when the caller hangs up.
     */
    void playSound(String file) throws AgiException {
        if (exec("Playback", file) == -1) {
            throw new AgiHangupException();
        }
        if ("FAILED".equals(get("PLAYBACKSTATUS"))) {
            LOG.warn("could not play {} (is the prompt installed?); going on without it", file);
        }
    }

    void sayDigits(String digits) throws AgiException {
        stillThere(channel.sendCommand(AgiText.sayDigits(digits)), "digits " + digits);
    }

    /** For words the desk has no sound file for (the opening hours): Asterisk's console and the transcript. */
    void verbose(String text) throws AgiException {
        channel.sendCommand(AgiText.verbose(text.replace('"', '\''), 3));
    }

    void set(String name, String value) throws AgiException {
        channel.sendCommand(AgiText.set(name, value));
    }

    /** A channel variable, or null when unset. */
    String get(String name) throws AgiException {
        AgiReply r = channel.sendCommand(AgiText.get(name));
        return r.getResultCode() == 1 ? r.getExtra() : null;
    }

    /**
     * GET DATA; the raw result ("" for no input). Hang-up raises. Asterisk 22 answers
     * {@code result=-1} both for a hang-up and for a prompt it cannot open (GET DATA gives up
     * before listening): CHANNEL STATUS tells them apart, and without its prompt the caller's keys
     * are still read, after a second of silence, so a missing prompt costs its words, never the call.
     */
    String getData(Prompt p, long timeoutMs, int maxDigits) throws AgiException {
        String result = getData(p.file(), timeoutMs, maxDigits);
        if (result == null) {
            LOG.warn("could not play {} (is the prompt installed?); listening for keys without it", p.file());
            result = getData(SILENCE, timeoutMs, maxDigits);
        }
        if (result == null) { // not even Asterisk's silence: no keys heard, so the menu's default
            LOG.warn("could not play {} either (are Asterisk's core sounds installed?)", SILENCE);
            return "";
        }
        return result;
    }

    /** One GET DATA: its keys, or null when Asterisk could not play the file and the channel is up. */
    private String getData(String file, long timeoutMs, int maxDigits) throws AgiException {
        AgiReply r = channel.sendCommand(AgiText.getData(file, timeoutMs, maxDigits));
        String result = r.getResult();
        if (result != null && result.trim().equals("-1")) {
            if (channel.getChannelStatus() != CHANNEL_UP) {
                throw new AgiHangupException();
            }
            return null;
        }
        return result == null ? "" : result.trim();
    }

    /** A core sound (asterisk-core-sounds-en) GET DATA plays when a prompt is missing. */
    static final String SILENCE = "silence/1";

    /** Asks a menu until it settles (a choice or the default). Hang-up raises. */
    Menu.Answer ask(Menu menu, long timeoutMs) throws AgiException {
        Menu.Tries tries = Menu.Tries.FIRST;
        while (true) {
            Menu.Answer a = menu.interpret(tries, getData(menu.prompt(), timeoutMs, 1));
            if (a.kind() == Menu.Answer.Kind.HUNG_UP) {
                throw new AgiHangupException();
            }
            if (a.apology() != null) {
                play(a.apology());
            }
            if (a.settled()) {
                return a;
            }
            tries = a.next();
        }
    }

    /** Runs a dialplan application; its return value. -1 (the caller hung up) is returned, not raised. */
    int exec(String app, String args) throws AgiException {
        return channel.sendCommand(AgiText.exec(app, args)).getResultCode();
    }

    /**
     * RECORD FILE: Asterisk keeps what was recorded even if the caller hangs up, so a hang-up is
     * reported, not raised. Length from endpos at 8000 samples a second.
     *
     * <p>Asterisk 22 opens the file only once the beep has played: a caller who hangs up or presses
     * # during the beep gets {@code result=-1 (randomerror) endpos=0} or {@code result=35
     * (randomerror) endpos=0} and no file exists; one it cannot write gets {@code (writefile)}.
     * Those, and anything under half a second, recorded nothing ({@link Recording#nothing}).
     * A missing or odd endpos only costs the length: the message is kept.
     */
    Recording record(String file, long maxMs, int maxSilenceSeconds) throws AgiException {
        AgiReply r = channel.sendCommand(AgiText.recordFile(file, "wav", "#", (int) maxMs, 0, true, maxSilenceSeconds));
        Long endpos = null;
        try {
            String e = r.getAttribute("endpos");
            endpos = e == null ? null : Long.valueOf(e.trim());
        } catch (RuntimeException ignored) {
            // the length stays unknown
        }
        String extra = r.getExtra();
        boolean notWritable = "writefile".equals(extra);
        boolean noFile = notWritable || "randomerror".equals(extra);
        // -1 with no file is also Asterisk failing to play the beep or open the file, the caller still
        // there: only the line can say which
        boolean hungUp = "hangup".equals(extra) || r.getResultCode() == -1 && (!noFile || !up());
        String nothing = null;
        if (notWritable) {
            nothing = "Asterisk could not write the recording (RECORD FILE answered \"writefile\"; its log names the file)";
        } else if (noFile) {
            nothing = hungUp ? "the caller hung up during the tone, before the recording began"
                    : r.getResultCode() == '#' ? "the caller pressed # during the tone, before the recording began"
                    : "Asterisk did not start the recording (RECORD FILE answered result=" + r.getResultCode()
                            + " \"randomerror\")";
        } else if (endpos != null && endpos < LEAST_MESSAGE_SAMPLES) {
            long ms = endpos * 1000 / 8000;
            nothing = hungUp ? "the caller hung up " + ms + " ms into the recording"
                    : r.getResultCode() == '#' ? "the caller pressed # " + ms + " ms into the recording"
                    : "the recording ended after " + ms + " ms";
        }
        return new Recording(hungUp, endpos == null ? 0 : endpos / 8000, nothing, notWritable);
    }

    /** Whether the channel is still up (CHANNEL STATUS); a hang-up, or a connection lost, answers false. */
    boolean up() {
        try {
            return channel.getChannelStatus() == CHANNEL_UP;
        } catch (AgiException e) { // AgiHangupException; AgiNetworkException: the socket is gone too
            return false;
        }
    }

    void hangup() throws AgiException {
        channel.sendCommand(new HangupCommand());
    }

    /**
     * Asterisk answers {@code result=-1} both when the caller hangs up during playback and when it
     * cannot play the file. CHANNEL STATUS tells them apart, so a missing prompt costs the caller
     * a few words, never the call.
     */
    private void stillThere(AgiReply r, String what) throws AgiException {
        if (r.getResultCode() != -1) {
            return;
        }
        if (channel.getChannelStatus() != CHANNEL_UP) {
            throw new AgiHangupException();
        }
        LOG.warn("could not play {} (is the prompt installed?); going on without it", what);
    }

    /** CHANNEL STATUS of a channel that is up. */
    private static final int CHANNEL_UP = 6;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AgiLine.class);

    private static void alive(AgiReply r) throws AgiHangupException {
        if (r.getResultCode() == -1) {
            throw new AgiHangupException();
        }
    }
}
