package io.messages.db;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

/**
 * A request's own database transaction. One that wrote is committed or rolled back and, if it
 * held the write turn, gives it back afterwards ({@code release}); a failed commit of written
 * work is thrown. A failed rollback, or a failed end of a transaction that only read, changes
 * nothing that was promised: it is logged ({@link GuardedConnection} retired its connection).
 *
 * @param transaction the database transaction
 * @param counters    where it counts itself
 * @param writing     whether it may have written (it holds the write turn where there is one)
 * @param written     called after a commit of written work (the SQLite file's disk-full latch)
 * @param release     called once it ended, whatever the outcome (gives the write turn back)
 */
public record OwnTransaction(DbTransaction transaction, TransactionCounters counters, boolean writing, Runnable written,
                      Runnable release) implements Work {
    private static final System.Logger LOGGER = System.getLogger(OwnTransaction.class.getName());
    private static final Runnable NOTHING = () -> { };

    /** A new transaction that has only read so far. */
    public static OwnTransaction reading(DbTransaction transaction, TransactionCounters counters) {
        counters.begun();
        return new OwnTransaction(transaction, counters, false, NOTHING, NOTHING);
    }

    /** This transaction, writing from now on; {@code release} runs once it ended. */
    public OwnTransaction writing(Runnable written, Runnable release) {
        return new OwnTransaction(transaction, counters, true, written, release);
    }

    @Override
    public DbExecute statements() {
        return transaction;
    }

    @Override
    public boolean end(boolean keep) {
        boolean committed = false;
        try {
            if (keep) {
                transaction.commit();
                committed = true;
                if (writing) {
                    written.run();
                }
            } else {
                transaction.rollback();
            }
        } catch (RuntimeException e) {
            if (keep && writing) {
                throw e;
            }
            logQuietEnd(keep, e);
        } finally {
            counters.ended(committed, writing);
            release.run();
        }
        return committed;
    }

    /** Logs an end that failed without breaking a promise: nothing written was kept. */
    public static void logQuietEnd(boolean keep, RuntimeException e) {
        LOGGER.log(System.Logger.Level.WARNING, (keep ? "Ending a read-only" : "Rolling back a")
                + " request transaction failed; nothing written was kept: " + e.getMessage());
    }
}
