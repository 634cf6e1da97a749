package org.pagerline.service;

/**
 * Asks the engine for a pass soon (after an incident opens, an acknowledgement, a delivery
 * report), so nothing waits for the sweep. A no-op until the server attaches its engine: in the
 * command line process the server's sweep picks the work up instead.
 */
public final class EngineKick implements Runnable {
    private volatile Runnable target = () -> { };

    /** Wiring only: route kicks to the running engine. */
    public void attach(Runnable engineKick) {
        this.target = engineKick;
    }

    @Override
    public void run() {
        target.run();
    }
}
