package io.messages.db.sqlite;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.messages.db.DatabaseUnavailableException;

/**
 * Who may write now, on SQLite. SQLite allows one writer at a time and makes the others
 * busy-wait with sleeps (seconds-long tails, then SQLITE_BUSY); here writers queue in arrival
 * order instead, and each enters as soon as the previous one ends.
 */
public final class WriteGate {
    private final Semaphore turn = new Semaphore(1, true);
    private final long timeoutMillis;

    /** A gate whose writers give up after {@code timeoutMillis} of waiting (503). */
    WriteGate(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Waits for the write turn.
     *
     * @throws DatabaseUnavailableException if the turn did not come within the timeout (answered as 503)
     */
    public void enter() {
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
        return turn.tryAcquire();
    }

    public void leave() {
        turn.release();
    }

    /** Whether some writer is waiting for the turn. */
    boolean hasWaiting() {
        return turn.hasQueuedThreads();
    }

    /** How many writers are waiting for the turn (an estimate, for metrics and tests). */
    int waiting() {
        return turn.getQueueLength();
    }
}
