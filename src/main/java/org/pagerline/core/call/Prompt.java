package org.pagerline.core.call;

/**
 * What the support line says, as Asterisk sound files (recorded by the desk, installed under
 * {@code sounds/<lang>/pagerline/}) with the words each must contain. The text is the transcript:
 * it is what the simulator prints and what the ticket timeline quotes.
 */
public enum Prompt {
    GREETING("pagerline/greeting", "Thank you for calling the help desk."),
    URGENT_OR_NOT("pagerline/urgent-or-not", "If your issue is urgent, press 1. If it is not urgent, press 2. To hear this again, press star."),
    PRIORITY("pagerline/priority", "For a company-wide outage, press 1. For a server or site that is down, press 2. For any other urgent issue, press 3. To hear this again, press star."),
    NO_INPUT("pagerline/no-input", "Sorry, I did not hear a choice."),
    WRONG_KEY("pagerline/wrong-key", "Sorry, that is not one of the choices."),
    CONNECTING("pagerline/connecting", "Please hold while we connect you to the on-call technician."),
    NOBODY_ACCEPTED("pagerline/nobody-accepted", "The on-call technician could not take your call right now."),
    CALLBACK_IS("pagerline/callback-is", "We will call you back at"),
    CALLBACK_CONFIRM("pagerline/callback-confirm", "To use this number, press 1. To enter another number, press 2."),
    CALLBACK_ENTER("pagerline/callback-enter", "Please enter the number we should call you back at, then press the pound key."),
    CALLBACK_INVALID("pagerline/callback-invalid", "Sorry, that is not a phone number we can call."),
    CALLBACK_SAY_IT("pagerline/callback-say-it", "If that is not the right number, please say it in your message."),
    CALLBACK_NONE("pagerline/callback-none", "We have no number to call you back at. Please say your phone number in your message."),
    CALLBACK_REFUSED("pagerline/callback-refused", "Sorry, we cannot call that number back. Please give a regular landline or mobile number in our service area."),
    RECORD_AFTER_TONE("pagerline/record-after-tone", "After the tone, please say your name, your company and your issue. Press the pound key or hang up when you are done."),
    YOUR_TICKET("pagerline/your-ticket", "Your ticket number is"),
    PROMISE_30_MINUTES("pagerline/promise-30-minutes", "A technician will call you back within 30 minutes."),
    PROMISE_NEXT_DAY("pagerline/promise-next-business-day", "A technician will call you back on the next business day."),
    PROMISE_SOON("pagerline/promise-soon", "A technician will call you back as soon as one is free."),
    JOINING_QUEUE("pagerline/joining-queue", "Please hold for the next free technician. To leave a message instead, press 1 at any time."),
    QUEUE_WAIT_OVER("pagerline/queue-wait-over", "We are sorry for the wait. Please leave a message and we will call you back."),
    NOBODY_FREE("pagerline/nobody-free", "No technician is free to take your call right now. Please leave a message and we will call you back."),
    CLOSED("pagerline/closed", "The help desk is closed right now. Our business hours are:"),
    HOURS_TO("pagerline/hours-to", "to"),
    HOURS_AND("pagerline/hours-and", "and"),
    HOURS_HOLIDAYS("pagerline/hours-holidays", "Closed on holidays."),
    AFTER_HOURS_MENU("pagerline/after-hours-menu", "To leave a message and be called back on the next business day, press 1. If your issue is urgent, press 2. To hear this again, press star."),
    GOODBYE("pagerline/goodbye", "Thank you for calling. Goodbye."),
    TROUBLE("pagerline/trouble", "We are having technical trouble. Please leave a message after the tone."),
    /** While the caller waits on pagerline's own work longer than line.hold-after (adapter.agi.CallerHold). */
    ONE_MOMENT("pagerline/one-moment", "One moment, please."),
    ACCEPT_INTRO("pagerline/accept-intro", "Urgent support call for ticket"),
    ACCEPT_PRESS_1("pagerline/accept-press-1", "Press 1 to accept the call."),
    ACCEPT_GONE("pagerline/accept-gone", "This call has already been taken or the caller has hung up.");

    private final String file;
    private final String text;

    Prompt(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** The sound file name as STREAM FILE / GET DATA take it (no extension). */
    public String file() {
        return file;
    }

    public String text() {
        return text;
    }

    /** The promise prompt that says "within {@code d}", if there is one (only 30 minutes today). */
    public static java.util.Optional<Prompt> promiseWithin(java.time.Duration d) {
        return d.equals(java.time.Duration.ofMinutes(30)) ? java.util.Optional.of(PROMISE_30_MINUTES) : java.util.Optional.empty();
    }

    /** The prompt whose sound file is {@code file}, if any: the simulator turns files back into words. */
    public static java.util.Optional<Prompt> byFile(String file) {
        for (Prompt p : values()) {
            if (p.file.equals(file)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}
