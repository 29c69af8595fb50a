package io.messages.db.sqlite;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.helidon.dbclient.DbTransaction;
import io.messages.db.TransactionCounters;

import org.jspecify.annotations.Nullable;

/**
 * One database transaction that several requests' savepoints share ({@link GroupCommit}). Used
 * by the request that holds the write turn, except for waiting for its outcome and announcing
 * it, which go through its future.
 */
final class Batch {
    private static final System.Logger LOGGER = System.getLogger(Batch.class.getName());

    /** A savepoint statement, named so that the database client does not derive a name from its text. */
    record Control(String name, String sql) {
    }

    private final DbTransaction transaction;
    private final GroupCommitSettings settings;
    private final Optional<DatabaseFile> file;
    private final TransactionCounters counters;
    private final long openedNanos = System.nanoTime();
    private final CompletableFuture<Void> committed = new CompletableFuture<>();
    private int members;
    private int kept;
    private @Nullable RuntimeException broken;
    // Why the batch failed, once ended; null if it committed.
    private @Nullable RuntimeException outcome;

    Batch(DbTransaction transaction, GroupCommitSettings settings, Optional<DatabaseFile> file,
          TransactionCounters counters) {
        this.transaction = transaction;
        this.settings = settings;
        this.file = file;
        this.counters = counters;
    }

    DbTransaction transaction() {
        return transaction;
    }

    /** A request took a seat. */
    void join() {
        members++;
    }

    /** A seated request's work is kept: it will be committed with the batch. */
    void keep() {
        kept++;
    }

    /** How many requests' work the batch keeps. */
    int kept() {
        return kept;
    }

    /** Whether the request leaving the turn should commit now, even if a writer waits to join. */
    boolean due() {
        return broken != null
                || members >= settings.maxBatch()
                || System.nanoTime() - openedNanos >= settings.maxWait().toNanos();
    }

    /**
     * Runs a savepoint statement. If one fails, the transaction is in a state nobody can vouch
     * for (SQLite may have rolled it all back): the batch will be rolled back whole.
     */
    void control(Control statement) {
        try {
            transaction.createNamedDmlStatement(statement.name(), statement.sql()).execute();
        } catch (RuntimeException e) {
            if (broken == null) {
                broken = e;
            }
            throw e;
        }
    }

    /** Commits the batch, or rolls it back if it broke or the file can no longer take writes. */
    void end() {
        if (broken == null) {
            try {
                // Again at the commit: the file may have gone while the batch was open.
                file.ifPresent(DatabaseFile::checkWritable);
            } catch (RuntimeException e) {
                broken = e;
            }
        }
        if (broken != null) {
            rollBack(broken);
            return;
        }
        try {
            transaction.commit();
        } catch (RuntimeException e) {
            // The connection goes back to the pool, which rolls back what is left open.
            fail(e);
            return;
        }
        if (kept > 0) {
            file.ifPresent(DatabaseFile::written);
            counters.groupCommitted(kept);
        }
        outcome = null;
    }

    /** {@link #end()} failed unexpectedly: its members are told that their work was not kept. */
    void endedBy(Throwable failure) {
        outcome = failure instanceof RuntimeException e ? e : new IllegalStateException("a group commit failed", failure);
    }

    /** Tells the members waiting for {@link #end()}'s outcome. */
    void announce() {
        if (outcome == null) {
            committed.complete(null);
        } else {
            committed.completeExceptionally(outcome);
        }
    }

    /** Waits for the outcome. */
    void awaitCommit() throws ExecutionException, InterruptedException {
        committed.get();
    }

    private void rollBack(RuntimeException cause) {
        try {
            transaction.rollback();
        } catch (RuntimeException e) {
            // The pool has retired its connection (GuardedConnection).
            cause.addSuppressed(e);
        }
        fail(cause);
    }

    private void fail(RuntimeException cause) {
        LOGGER.log(System.Logger.Level.WARNING, "A group commit of " + kept + " request(s) failed; none of them was"
                + " stored: " + cause.getMessage());
        for (int i = 0; i < kept; i++) {
            counters.ended(false, true);
        }
        outcome = cause;
    }
}
