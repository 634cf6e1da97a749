package org.pagerline.service;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.pagerline.core.call.CallOutcome;
import org.pagerline.core.page.Channel;
import org.pagerline.core.ticket.Priority;

/**
 * Port: what the desk counts and times, for {@code /metrics} (the Prometheus registry behind it
 * is an adapter; README, "Metrics", lists every meter). Services and adapters call these at the
 * moment a thing happens; each method is cheap, never blocks and never throws. {@link #NONE}
 * (the command line, unit tests) counts nothing.
 */
public interface Metrics {
    Metrics NONE = new Metrics() { };

    /** A support-line call ended with this outcome ({@code pagerline_calls_total{outcome}}). */
    default void call(CallOutcome outcome) { }

    /** A caller left the help-desk queue, answered or not, after waiting this long. */
    default void queueWait(Duration waited, boolean answered) { }

    /** A page was handed to its channel with this result (accepted, temporary_failure, unknown, permanent_failure). */
    default void page(Channel channel, String result) { }

    /** An incident was acknowledged this long after it opened. */
    default void acknowledged(Duration sinceOpened) { }

    /** The caller was called back this long after the incident opened. */
    default void calledBack(Duration sinceOpened) { }

    /**
     * A service-level warning went out: {@code target} names the clock (the incident's
     * {@code respond-by}; the ticket clocks name theirs, e.g. {@code first-response}, {@code resolution}).
     */
    default void slaWarning(Priority priority, String target) { }

    /** A service-level target was missed ({@code target} as in {@link #slaWarning}). */
    default void slaBreach(Priority priority, String target) { }

    /** One engine pass (decide, send, schedule) took this long. */
    default void enginePass(Duration took) { }

    /**
     * A message of the dialplan's fallback voicemail handed over ({@link #FALLBACK_RESULTS}):
     * urgent_paged (an urgent caller paged with it), on_ticket, no_record (a call pagerline had no
     * record of: a ticket for it), repeat (handed over before).
     */
    default void fallbackMessage(String result) { }

    /** The results {@link #fallbackMessage} counts. */
    java.util.List<String> FALLBACK_RESULTS = java.util.List.of("urgent_paged", "on_ticket", "no_record", "repeat");

    /**
     * A caller waited on the support line's own work longer than {@code line.hold-after} and heard
     * the hold prompt, at {@code at} ({@link #HELD_AT}), with {@code result} ({@link #HELD_RESULTS}):
     * served (it landed within {@code line.wait-limit}), fallback (given up on at the limit, or the
     * work failed: the dialplan's fallback voicemail took them), hung_up (the caller left meanwhile).
     */
    default void callerHeld(String at, String result) { }

    /** Where {@link #callerHeld} counts a caller held: their call's start, their urgent message. */
    java.util.List<String> HELD_AT = java.util.List.of("start", "message");

    /** What {@link #callerHeld} counts came of a hold. */
    java.util.List<String> HELD_RESULTS = java.util.List.of("served", "fallback", "hung_up");

    /** An escalation step was decided this long after its due instant. */
    default void stepLateness(Duration late) { }

    /** A connection to report as up (1) or down (0) under {@code name} (ami, mail, ...); read at each scrape. */
    default void connection(String name, BooleanSupplier up) { }
}
