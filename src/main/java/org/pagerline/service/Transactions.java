package org.pagerline.service;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * {@link #inTransaction}, run again in full (at most a few times) when the database chose it as
     * a deadlock's victim or failed it on a serialization conflict: the winner has gone on, so the
     * next try usually finds its rows free. Only for work that touches nothing but the stores (no
     * hand-over, no message, nothing that must not happen twice). The default (for stand-ins) runs it once.
     */
    default <T> T inTransactionRetryingConflicts(Function<Stores, T> work) {
        return inTransaction(work);
    }

    /** What one piece of {@link #inOneCommit} came to: its result, or what it threw (then {@code value} is null). */
    record Result(Object value, RuntimeException failure) {}

    /**
     * Runs the pieces in order in one transaction, each under a savepoint of its own: a piece that
     * throws is undone alone, the others commit together in one commit (a group commit: one write
     * to the database file for many callers' work). Returns one result per piece; when the commit
     * itself fails, every piece gets that failure, except a commit that kept losing deadlocks: its
     * pieces are then written one at a time, each with its own result. The default (for stand-ins)
     * gives each piece a transaction of its own.
     */
    default List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces) {
        List<Result> out = new ArrayList<>(pieces.size());
        for (Function<Stores, ?> piece : pieces) {
            try {
                out.add(new Result(inTransaction(piece::apply), null));
            } catch (RuntimeException e) {
                out.add(new Result(null, e));
            }
        }
        return out;
    }

    /**
     * {@link #inOneCommit(List)}; with {@code ticketsAtOnce}, a piece that needs a ticket whose row
     * another transaction holds does not wait for it: it is undone and fails with
     * {@link TicketLockedException}, and the other pieces commit without it. The default (for
     * stand-ins) waits as {@link #inOneCommit(List)} does.
     */
    default List<Result> inOneCommit(List<? extends Function<Stores, ?>> pieces, boolean ticketsAtOnce) {
        return inOneCommit(pieces);
    }
}
