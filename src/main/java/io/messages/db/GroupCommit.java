package io.messages.db;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

import org.jspecify.annotations.Nullable;

/**
 * Several requests' writes committed by one SQLite commit, so that one fsync makes all of them
 * durable. Every commit at {@code synchronous=FULL} waits for the disk; one commit per request
 * caps writes at the disk's commit rate, while writers queue for the single write turn anyway.
 *
 * <p>The writers still take the {@link WriteGate} turn one after the other, in arrival order. The
 * first one opens a batch: a database transaction on one pooled connection. Each request then
 * runs its statements in its own {@code SAVEPOINT}, so it stays one transaction: when it ends,
 * the savepoint is released (kept) or rolled back to (a failing request rolls back alone). The
 * request leaving the turn commits the batch when nobody is waiting for the turn, the batch is
 * full, or it has been open for {@code max-wait}; otherwise it passes the turn on and waits for
 * the batch's commit. Its response is sent only after that commit; a failed commit fails every
 * request in the batch (each answers 5xx) and keeps none of them.
 *
 * <p>Everything here runs by the request that holds the write turn (the turn's semaphore orders
 * those calls), except waiting for a batch's outcome and announcing it, which go through the
 * batch's future.
 */
final class GroupCommit {
    private static final System.Logger LOGGER = System.getLogger(GroupCommit.class.getName());

    // Named, so that the database client does not derive a name from each statement's text.
    private static final Control SAVEPOINT = new Control("group-commit-savepoint", "SAVEPOINT request");
    private static final Control RELEASE = new Control("group-commit-release", "RELEASE request");
    private static final Control ROLLBACK_TO = new Control("group-commit-rollback-to", "ROLLBACK TO request");

    private final Engine engine;
    private final GroupCommitSettings settings;
    // Guarded by the write turn.
    private @Nullable Batch open;

    GroupCommit(Engine engine, GroupCommitSettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /**
     * Seats the request holding the write turn in the open batch, opening one if needed (after
     * checking that the database file can take writes).
     *
     * @return its seat: its statements run in a savepoint of the batch's transaction
     * @throws DbClientException if the file cannot take writes, or the savepoint cannot be set
     *                           (the batch then fails as a whole)
     */
    Seat join() {
        Batch batch = open;
        if (batch == null) {
            engine.checkFile();
            batch = new Batch(engine.client(), System.nanoTime());
            open = batch;
        }
        // Seats never overlap (one at a time holds the turn), so one savepoint name serves all.
        batch.control(SAVEPOINT);
        batch.members++;
        return new Seat(batch);
    }

    /**
     * Commits the open batch now, before a request writes outside it (one that read first keeps
     * its own transaction, which needs SQLite's write lock that the batch holds). Called with
     * the write turn held. Nothing happens when no batch is open.
     */
    void commitOpen() {
        if (open != null) {
            endOpen().announce();
        }
    }

    /**
     * Gives up the write turn, held by a request that is not (or no longer) seated: commits the
     * open batch first unless another writer is waiting to join it. The batch's members are
     * woken only after the turn is passed on, so that the next writer is not queued behind them.
     */
    void leaveTurn() {
        Batch ended = null;
        try {
            Batch batch = open;
            if (batch != null && batch.due(engine.writeGate().hasWaiting())) {
                ended = endOpen();
            }
        } finally {
            engine.writeGate().leave();
        }
        if (ended != null) {
            ended.announce();
        }
    }

    // With the turn held and a batch open: commits it (or rolls it back) and closes it.
    private Batch endOpen() {
        Batch batch = Objects.requireNonNull(open);
        open = null;
        batch.end();
        return batch;
    }

    /** A request's place in a batch: its savepoint. */
    final class Seat {
        private final Batch batch;

        private Seat(Batch batch) {
            this.batch = batch;
        }

        /** Where the request runs its statements: the batch's transaction. */
        DbExecute statements() {
            return batch.transaction;
        }

        /**
         * Ends the request's part and gives up the write turn: keeps or drops its savepoint,
         * then commits the batch or leaves that to a later member.
         *
         * @param keep          true to keep what the request did, false to roll it back (the
         *                      request counts that itself)
         * @param onlyAppended  whether it only appended messages (for the data version)
         * @return whether its work is in the batch and the request must {@link #awaitCommit()}
         */
        boolean leave(boolean keep, boolean onlyAppended) {
            boolean kept = false;
            try {
                if (keep) {
                    batch.control(RELEASE);
                    batch.kept++;
                    batch.changed |= !onlyAppended;
                    kept = true;
                } else {
                    batch.control(ROLLBACK_TO);
                    batch.control(RELEASE);
                }
            } finally {
                leaveTurn();
            }
            return kept;
        }

        /**
         * Waits until the batch holding this request's work is committed. If the writers it
         * passed the turn to all gave up waiting for it, the batch would stay open; so every
         * {@code max-wait} this looks whether the turn is free and, if so, commits the batch.
         *
         * @throws DatabaseUnavailableException if the batch's commit failed: nothing of it was stored
         *                                      (a batch of one throws its own failure)
         */
        void awaitCommit() {
            long waitNanos = settings.maxWait().toNanos();
            while (true) {
                try {
                    batch.committed.get(waitNanos, TimeUnit.NANOSECONDS);
                    return;
                } catch (TimeoutException e) {
                    commitIfAbandoned();
                } catch (ExecutionException e) {
                    // Alone in its batch, the request failed on its own work; with batch-mates it
                    // may not be the cause, and trying again may well succeed.
                    if (batch.kept == 1 && e.getCause() instanceof RuntimeException own) {
                        throw own;
                    }
                    throw new DatabaseUnavailableException("the group commit holding this request failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DatabaseUnavailableException("interrupted while waiting for the group commit", e);
                }
            }
        }

        private void commitIfAbandoned() {
            if (engine.writeGate().tryEnter()) {
                try {
                    if (open == batch) {
                        commitOpen();
                    }
                } finally {
                    engine.writeGate().leave();
                }
            }
        }
    }

    private record Control(String name, String sql) {
    }

    /** One database transaction that several requests' savepoints share. */
    private final class Batch {
        private final DbTransaction transaction;
        private final long openedNanos;
        private final CompletableFuture<Void> committed = new CompletableFuture<>();
        private int members;
        private int kept;
        private boolean changed;
        private @Nullable RuntimeException broken;
        // Why the batch failed, once ended; null if it committed.
        private @Nullable RuntimeException outcome;

        private Batch(DbClient client, long openedNanos) {
            this.transaction = client.transaction();
            this.openedNanos = openedNanos;
        }

        /** Whether the request leaving the turn should commit now rather than pass the turn on. */
        private boolean due(boolean writersWaiting) {
            return !writersWaiting
                    || broken != null
                    || members >= settings.maxBatch()
                    || System.nanoTime() - openedNanos >= settings.maxWait().toNanos();
        }

        /**
         * Runs a savepoint statement. If one fails, the transaction is in a state nobody can
         * vouch for (SQLite may have rolled it all back): the batch will be rolled back whole.
         */
        private void control(Control statement) {
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
        private void end() {
            if (broken == null) {
                try {
                    // Again at the commit: the file may have gone while the batch was open.
                    engine.checkFile();
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
            engine.countGroupCommit(kept, changed);
            outcome = null;
        }

        /** Tells the members waiting for {@link #end()}'s outcome. */
        private void announce() {
            if (outcome == null) {
                committed.complete(null);
            } else {
                committed.completeExceptionally(outcome);
            }
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
                engine.countEnd(false, true, true);
            }
            outcome = cause;
        }
    }
}
