package io.messages.db;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;


import org.jspecify.annotations.Nullable;

/**
 * Who may write now. SQLite allows one writer at a time and makes the others busy-wait with
 * sleeps (seconds-long tails, then SQLITE_BUSY); here writers queue in arrival order instead,
 * and each enters as soon as the previous one ends. Server databases need no gate.
 */
final class WriteGate {
    private final @Nullable Semaphore turn;
    private final long timeoutMillis;

    private WriteGate(@Nullable Semaphore turn, long timeoutMillis) {
        this.turn = turn;
        this.timeoutMillis = timeoutMillis;
    }

    static WriteGate create(boolean singleWriter, long timeoutMillis) {
        return new WriteGate(singleWriter ? new Semaphore(1, true) : null, timeoutMillis);
    }

    /**
     * Waits for the write turn.
     *
     * @throws DatabaseUnavailableException if the turn did not come within the timeout (answered as 503)
     */
    void enter() {
        if (turn == null) {
            return;
        }
        try {
            if (!turn.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new DatabaseUnavailableException("database busy: no write turn within " + timeoutMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for the write turn", e);
        }
    }

    /** Takes the turn if it is free now, without waiting (or queueing). */
    boolean tryEnter() {
        return turn == null || turn.tryAcquire();
    }

    void leave() {
        if (turn != null) {
            turn.release();
        }
    }

    /** Whether some writer is waiting for the turn. */
    boolean hasWaiting() {
        return turn != null && turn.hasQueuedThreads();
    }

    /** How many writers are waiting for the turn (an estimate, for metrics and tests). */
    int waiting() {
        return turn == null ? 0 : turn.getQueueLength();
    }
}
