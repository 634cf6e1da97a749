package org.pagerline.service;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Port: runs work in one database transaction. The work commits when it returns and rolls back
 * when it throws, so a rejected change leaves nothing half-written.
 */
public interface Transactions {
    <T> T inTransaction(Function<Stores, T> work);

    default void run(Consumer<Stores> work) {
        inTransaction(s -> {
            work.accept(s);
            return null;
        });
    }
}
