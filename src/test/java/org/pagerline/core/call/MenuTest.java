package org.pagerline.core.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.pagerline.core.call.Menu.Answer.Kind;

class MenuTest {
    final Menu urgency = Menus.URGENCY;

    @Test
    void aValidKeyIsChosen() {
        Menu.Answer a = urgency.interpret(Menu.Tries.FIRST, "1");
        assertEquals(Kind.CHOSEN, a.kind());
        assertEquals('1', a.key());
        assertNull(a.apology());
    }

    @Test
    void noInputAndWrongKeysAreApologisedForThenTheDefaultIsTaken() {
        Menu.Answer a = urgency.interpret(Menu.Tries.FIRST, "");
        assertEquals(Kind.ASK_AGAIN, a.kind());
        assertEquals(Prompt.NO_INPUT, a.apology());
        Menu.Answer b = urgency.interpret(a.next(), "7");
        assertEquals(Prompt.WRONG_KEY, b.apology());
        Menu.Answer c = urgency.interpret(b.next(), "9");
        assertEquals(Kind.DEFAULTED, c.kind());
        assertEquals('2', c.key(), "not urgent: the queue in hours, the message menu out of hours");
    }

    @Test
    void starRepeatsWithoutCountingAsAFailureUpToALimit() {
        Menu.Tries t = Menu.Tries.FIRST;
        for (int i = 0; i < Menus.REPEATS; i++) {
            Menu.Answer a = urgency.interpret(t, "*");
            assertEquals(Kind.ASK_AGAIN, a.kind());
            assertNull(a.apology());
            t = a.next();
        }
        assertEquals(0, t.failures());
        Menu.Answer tooMany = urgency.interpret(t, "*");
        assertEquals(Prompt.WRONG_KEY, tooMany.apology(), "endless repeats would hold the line forever");
    }

    @Test
    void minusOneIsAHangUp() {
        assertEquals(Kind.HUNG_UP, urgency.interpret(Menu.Tries.FIRST, "-1").kind());
        assertEquals(Kind.HUNG_UP, urgency.interpret(Menu.Tries.FIRST, null).kind());
    }

    @Test
    void onlyTheFirstDigitCounts() {
        assertEquals('1', Menus.PRIORITY.interpret(Menu.Tries.FIRST, "12").key());
    }

    @Test
    void theAcceptPromptNeverDefaultsToAccepting() {
        Menu.Answer a = Menus.ACCEPT.interpret(Menu.Tries.FIRST, "");
        Menu.Answer b = Menus.ACCEPT.interpret(a.next(), "");
        assertEquals(Kind.DEFAULTED, b.kind());
        assertEquals('0', b.key());
    }
}
