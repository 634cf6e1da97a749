package org.pagerline.service;

/**
 * Port: work that one node at a time may do (the AMI queue members: two nodes adding and removing
 * members at once would undo each other). On PostgreSQL a transaction-scoped advisory lock; on
 * H2 (single-node) the work just runs. A node that finds the work being done elsewhere skips it:
 * the other node is doing it now, and the next round comes soon.
 */
public interface OneAtATime {
    /** Always runs (one node, or a test). */
    OneAtATime ALONE = (name, work) -> {
        work.run();
        return true;
    };

    /** Runs {@code work} unless another node is running the work named {@code name}; true if it ran. */
    boolean tryRun(String name, Runnable work);
}
