package org.pagerline.core.call;

/**
 * A digit prompt and how replies to it are read. {@code keys} are the valid choices; star
 * repeats the prompt (up to {@code maxRepeats} times, then it counts as a wrong key); no input or
 * a wrong key is apologised for and asked again, until {@code maxTries} failures, when the
 * {@code defaultKey} is taken so that no caller is stuck in a loop.
 *
 * @param defaultKey the choice taken after too many failures; a key outside {@code keys}
 *                   (such as '0') means "none of them"
 */
public record Menu(CallStep step, Prompt prompt, String keys, char defaultKey, int maxTries, int maxRepeats) {
    public static final char REPEAT = '*';

    public Menu {
        if (keys == null || keys.isEmpty() || maxTries < 1 || maxRepeats < 0) {
            throw new IllegalArgumentException("menu " + step + " needs keys and at least one try");
        }
    }

    /** How the caller has done on this prompt so far. */
    public record Tries(int failures, int repeats) {
        public static final Tries FIRST = new Tries(0, 0);
    }

    /** What a reply means, and what to say before asking again (null: nothing). */
    public record Answer(Kind kind, char key, Prompt apology, Tries next) {
        public enum Kind { CHOSEN, ASK_AGAIN, DEFAULTED, HUNG_UP }

        public boolean settled() {
            return kind == Kind.CHOSEN || kind == Kind.DEFAULTED;
        }
    }

    /**
     * Reads a GET DATA result: null or "-1" is a hang-up, blank is no input, otherwise the first
     * digit pressed counts.
     */
    public Answer interpret(Tries tries, String reply) {
        if (reply == null || reply.trim().equals("-1")) {
            return new Answer(Answer.Kind.HUNG_UP, '\0', null, tries);
        }
        String r = reply.trim();
        if (r.isEmpty()) {
            return fail(tries, Prompt.NO_INPUT);
        }
        char k = r.charAt(0);
        if (k == REPEAT && tries.repeats() < maxRepeats) {
            return new Answer(Answer.Kind.ASK_AGAIN, k, null, new Tries(tries.failures(), tries.repeats() + 1));
        }
        if (keys.indexOf(k) >= 0) {
            return new Answer(Answer.Kind.CHOSEN, k, null, tries);
        }
        return fail(tries, Prompt.WRONG_KEY);
    }

    private Answer fail(Tries tries, Prompt apology) {
        Tries next = new Tries(tries.failures() + 1, tries.repeats());
        if (next.failures() >= maxTries) {
            return new Answer(Answer.Kind.DEFAULTED, defaultKey, apology, next);
        }
        return new Answer(Answer.Kind.ASK_AGAIN, '\0', apology, next);
    }
}
