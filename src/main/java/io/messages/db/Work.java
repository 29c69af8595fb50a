package io.messages.db;

import io.helidon.dbclient.DbExecute;

/**
 * What a request began in the database: its own transaction, or its seat in a group commit.
 * Ended exactly once.
 */
public interface Work {
    /** Where the request's statements run. */
    DbExecute statements();

    /**
     * Ends the work: keeps it ({@code keep}) or rolls it back, and gives back what it held (the
     * write turn). Only a failed commit of written work is thrown: nothing of it was kept.
     *
     * @return whether it was committed
     */
    boolean end(boolean keep);
}
