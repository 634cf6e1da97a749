package org.pagerline.adapter.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.lang.reflect.Constructor;
import java.util.List;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.command.AgiCommand;
import org.asteriskjava.fastagi.internal.AgiReplyImpl;
import org.asteriskjava.fastagi.reply.AgiReply;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What each of Asterisk 22's RECORD FILE replies means for the caller's message (res_agi's
 * handle_recordfile; the first two seen on the real Asterisk in {@code MessagesAsteriskIT}).
 */
class RecordFileRepliesTest {

    @ParameterizedTest(name = "{0}, line {1}")
    @CsvSource(delimiter = '|', value = {
        "200 result=-1 (randomerror) endpos=0 | down | true  | 0 | the caller hung up during the tone, before the recording began",
        "200 result=-1 (randomerror) endpos=0 | up   | false | 0 | Asterisk did not start the recording (RECORD FILE answered result=-1 \"randomerror\")",
        "200 result=35 (randomerror) endpos=0 | up   | false | 0 | the caller pressed # during the tone, before the recording began",
        "200 result=-1 (writefile)            | up   | false | 0 | Asterisk could not write the recording (RECORD FILE answered \"writefile\"; its log names the file)",
        "200 result=-1 (hangup) endpos=3200   | down | true  | 0 | the caller hung up 400 ms into the recording",
        "200 result=-1 (hangup) endpos=4000   | down | true  | 0 | ",
        "200 result=-1 (hangup) endpos=24000  | down | true  | 3 | ",
        "200 result=-1 (hangup)               | down | true  | 0 | ",
        "200 result=35 (dtmf) endpos=2000     | up   | false | 0 | the caller pressed # 250 ms into the recording",
        "200 result=0 (timeout) endpos=800    | up   | false | 0 | the recording ended after 100 ms",
        "200 result=35 (dtmf) endpos=26960    | up   | false | 3 | ",
        "200 result=0 (timeout) endpos=40000  | up   | false | 5 | ",
    })
    void aReplyTellsWhetherAMessageWasRecorded(String reply, String line, boolean hungUp, long seconds, String nothing)
            throws Exception {
        AgiChannel channel = mock(AgiChannel.class);
        when(channel.sendCommand(any(AgiCommand.class))).thenReturn(parsed(reply));
        if (line.equals("up")) {
            when(channel.getChannelStatus()).thenReturn(6);
        } else {
            when(channel.getChannelStatus()).thenThrow(new AgiHangupException());
        }
        AgiLine.Recording r = new AgiLine(channel).record("/tmp/x", 180_000, 8);
        assertEquals(hungUp, r.hungUp(), "hung up");
        assertEquals(seconds, r.seconds(), "seconds");
        assertEquals(nothing, r.nothing(), "why nothing was recorded");
    }

    /** The reply as asterisk-java parses Asterisk's line (its parser's constructor is package-private). */
    private static AgiReply parsed(String line) throws ReflectiveOperationException {
        Constructor<AgiReplyImpl> c = AgiReplyImpl.class.getDeclaredConstructor(List.class);
        c.setAccessible(true);
        return c.newInstance(List.of(line));
    }
}
