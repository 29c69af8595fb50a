package io.messages.db.sqlite;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.messages.db.DatabaseUnavailableException;
import io.messages.db.OwnTransaction;
import io.messages.db.TransactionCounters;
import io.messages.db.Work;
import io.messages.db.Writes;
import io.messages.tracing.Tracing;
import io.opentelemetry.api.trace.Span;

import org.jspecify.annotations.Nullable;

/**
 * Several requests' writes committed by one SQLite commit, so that one fsync makes all of them
 * durable. Every commit at {@code synchronous=FULL} waits for the disk; one commit per request
 * caps writes at the disk's commit rate, while writers queue for the single write turn anyway.
 *
 * <p>Each request, in its {@link WriteGate} turn, runs its statements in its own {@code SAVEPOINT}
 * of the open batch, so a failing request rolls back alone. Its response is sent only after the
 * batch's commit; a failed commit fails every request in the batch and keeps none of them. How a
 * batch opens, commits and hands the turn on: docs/design.md, "GroupCommit".
 */
public final class GroupCommit implements Writes {

    // Named, so that the database client does not derive a name from each statement's text.
    private static final Batch.Control SAVEPOINT = new Batch.Control("group-commit-savepoint", "SAVEPOINT request");
    private static final Batch.Control RELEASE = new Batch.Control("group-commit-release", "RELEASE request");
    private static final Batch.Control ROLLBACK_TO = new Batch.Control("group-commit-rollback-to", "ROLLBACK TO request");

    private final WriteGate gate;
    private final Optional<DatabaseFile> file;
    private final TransactionCounters counters;
    private final Tracing tracing;
    private final GroupCommitSettings settings;
    // Guarded by the write turn.
    private @Nullable Batch open;

    GroupCommit(WriteGate gate, Optional<DatabaseFile> file, TransactionCounters counters,
                Tracing tracing, GroupCommitSettings settings) {
        this.gate = gate;
        this.file = file;
        this.counters = counters;
        this.tracing = tracing;
        this.settings = settings;
    }

    /**
     * Waits for the write turn and seats the request in the open batch, opening one if needed
     * (after checking that the database file can take writes).
     *
     * @return its seat: its statements run in a savepoint of the batch's transaction
     * @throws DbClientException if no turn came in time, the file cannot take writes, or the
     *                           savepoint cannot be set (the batch then fails as a whole)
     */
    @Override
    public Work join(DbClient client, TransactionCounters requestCounters) {
        gate.enter();
        try {
            Batch batch = open;
            if (batch == null) {
                file.ifPresent(DatabaseFile::checkWritable);
                batch = new Batch(client.transaction(), settings, file, counters);
                open = batch;
            }
            // Seats never overlap (one at a time holds the turn), so one savepoint name serves all.
            batch.control(SAVEPOINT);
            batch.join();
            requestCounters.begun();
            return new Seat(batch, requestCounters);
        } catch (RuntimeException e) {
            leaveTurn();
            throw e;
        }
    }

    @Override
    public Work upgrade(OwnTransaction reading) {
        gate.enter();
        try {
            // Writing in its own transaction needs SQLite's write lock, which the open batch holds.
            commitOpen();
            file.ifPresent(DatabaseFile::checkWritable);
        } catch (RuntimeException e) {
            gate.leave();
            throw e;
        }
        return reading.writing(() -> file.ifPresent(DatabaseFile::written), this::leaveTurn);
    }

    @Override
    public int waiting() {
        return gate.waiting();
    }

    // Commits the open batch now, before a request writes outside it. Called with the write turn
    // held. Nothing happens when no batch is open.
    private void commitOpen() {
        if (open != null) {
            endOpen().announce();
        }
    }

    /**
     * Gives up the write turn, held by a request that is not (or no longer) seated: to a writer
     * waiting for it, who joins the open batch, unless the batch is due; else commits the open
     * batch first. The turn goes from one writer to the next with the batch, so an open batch
     * always has a holder to commit it. Its members are woken only after the turn is passed on,
     * so that the next writer is not queued behind them.
     */
    private void leaveTurn() {
        Batch batch = open;
        if (batch == null) {
            gate.leave();
            return;
        }
        if (!batch.due() && gate.passOn()) {
            return;
        }
        Batch ended;
        try {
            ended = endOpen();
        } finally {
            gate.leave();
        }
        ended.announce();
    }

    // With the turn held and a batch open: commits it (or rolls it back) and closes it.
    private Batch endOpen() {
        Batch batch = Objects.requireNonNull(open);
        open = null;
        try {
            batch.end();
        } catch (RuntimeException | Error e) {
            // Its members wait for its outcome without a timeout: they hear of this one too.
            batch.endedBy(e);
            batch.announce();
            throw e;
        }
        return batch;
    }

    /** A request's place in a batch: its savepoint. */
    private final class Seat implements Work {
        private final Batch batch;
        private final TransactionCounters requestCounters;

        private Seat(Batch batch, TransactionCounters requestCounters) {
            this.batch = batch;
            this.requestCounters = requestCounters;
        }

        @Override
        public DbExecute statements() {
            return batch.transaction();
        }

        /**
         * Keeps or drops the request's savepoint and gives up the write turn (committing the
         * batch, or leaving that to a later member); if kept, waits for the batch's commit.
         *
         * @throws DatabaseUnavailableException if a savepoint statement or the batch's commit
         *                                      failed while the request was to be kept
         */
        @Override
        public boolean end(boolean keep) {
            boolean kept;
            try {
                kept = leave(keep);
            } catch (RuntimeException e) {
                // A savepoint statement failed: the batch is broken and will be rolled back whole.
                requestCounters.ended(false, true);
                if (keep) {
                    throw new DatabaseUnavailableException("the group commit holding this request failed", e);
                }
                OwnTransaction.logQuietEnd(false, e);
                return false;
            }
            if (!kept) {
                requestCounters.ended(false, true);
                return false;
            }
            Optional<Span> wait = tracing.tracer().map(t -> t.spanBuilder("group commit wait").startSpan());
            try {
                awaitCommit();
                return true;
            } finally {
                wait.ifPresent(Span::end);
            }
        }

        private boolean leave(boolean keep) {
            boolean kept = false;
            try {
                if (keep) {
                    batch.control(RELEASE);
                    batch.keep();
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
         * Waits until the batch holding this request's work is committed (by whoever holds the
         * turn when it is due).
         *
         * @throws DatabaseUnavailableException if the batch's commit failed: nothing of it was stored
         *                                      (a batch of one throws its own failure)
         */
        private void awaitCommit() {
            try {
                batch.awaitCommit();
            } catch (ExecutionException e) {
                // Alone in its batch, the request failed on its own work; with batch-mates it
                // may not be the cause, and trying again may well succeed.
                if (batch.kept() == 1 && e.getCause() instanceof RuntimeException own) {
                    throw own;
                }
                throw new DatabaseUnavailableException("the group commit holding this request failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatabaseUnavailableException("interrupted while waiting for the group commit", e);
            }
        }
    }

}
