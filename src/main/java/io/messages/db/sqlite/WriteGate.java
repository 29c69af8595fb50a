package io.messages.db.sqlite;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.messages.db.DatabaseUnavailableException;

/**
 * Who may write now, on SQLite. SQLite allows one writer at a time and makes the others
 * busy-wait with sleeps (seconds-long tails, then SQLITE_BUSY); here writers queue in arrival
 * order instead, and the turn is handed to the longest waiting one as the holder leaves. A writer
 * that waits longer than the timeout gives up (503).
 *
 * <p>Waits carry no timer of their own: on a virtual thread every timed wait wakes the JDK's
 * timer thread to arm it and again to cancel it, which cost {@code /record} a quarter of its
 * throughput (docs/performance.md). Writers queue in order and all wait as long, so the oldest
 * waiter's deadline is the next one: the gate keeps one timer, for it.
 */
public final class WriteGate {
    private final long timeoutNanos;
    // Guarded by this.
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private boolean taken;
    private boolean timerSet;

    /** A gate whose writers give up after {@code timeoutMillis} of waiting (503). */
    WriteGate(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /**
     * Waits for the write turn.
     *
     * @throws DatabaseUnavailableException if the turn did not come within the timeout (answered
     *                                      as 503), or the wait was interrupted
     */
    public void enter() {
        Waiter waiter;
        synchronized (this) {
            if (!taken) {
                taken = true;
                return;
            }
            waiter = new Waiter(Thread.currentThread(), System.nanoTime() + timeoutNanos);
            // Set before it queues: a writer queued with no timer set could wait for ever.
            if (!timerSet) {
                expireAt(waiter.deadline);
                timerSet = true;
            }
            queue.addLast(waiter);
        }
        waiter.await();
    }

    /** Gives up the turn: to the longest waiting writer, or to whoever comes next. */
    public void leave() {
        handOn(true);
    }

    /**
     * Hands the turn to the longest waiting writer, if there is one; if not, the caller keeps it.
     *
     * @return whether the turn was handed on
     */
    boolean passOn() {
        return handOn(false);
    }

    // In one step with finding nobody waiting, the turn is freed (free): a writer queueing
    // between the two would wait for a turn nobody hands on.
    private boolean handOn(boolean free) {
        Waiter next;
        synchronized (this) {
            next = queue.pollFirst();
            if (next == null) {
                if (free) {
                    taken = false;
                }
                return false;
            }
            next.state = Waiter.ENTERED;
        }
        LockSupport.unpark(next.thread);
        return true;
    }

    /** How many writers are waiting for the turn (an estimate, for metrics and tests). */
    synchronized int waiting() {
        return queue.size();
    }

    // Ends the waits that are due, the oldest first, and sets the timer for the next one if any.
    private synchronized void expire() {
        timerSet = false;
        long now = System.nanoTime();
        Waiter oldest;
        while ((oldest = queue.peekFirst()) != null && now - oldest.deadline >= 0) {
            queue.pollFirst();
            oldest.state = Waiter.EXPIRED;
            LockSupport.unpark(oldest.thread);
        }
        if (oldest != null) {
            expireAt(oldest.deadline);
            timerSet = true;
        }
    }

    // The JDK's shared delay thread (a platform thread) runs expire() then, itself: it is short.
    private void expireAt(long deadline) {
        long delay = Math.max(0, deadline - System.nanoTime());
        CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run).execute(this::expire);
    }

    private final class Waiter {
        static final int WAITING = 0;
        static final int ENTERED = 1;
        static final int EXPIRED = 2;
        static final int GAVE_UP = 3;

        private final Thread thread;
        private final long deadline;
        // Written under the gate's lock.
        private volatile int state = WAITING;

        private Waiter(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        // Parks until the turn is handed over or the wait expires. A writer interrupted once the
        // turn is its own takes it (interrupted): the turn is never lost between two threads.
        void await() {
            while (true) {
                LockSupport.park(WriteGate.this);
                int now = state;
                if (now == ENTERED) {
                    return;
                }
                if (now == EXPIRED) {
                    throw new DatabaseUnavailableException("database busy: no write turn within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                }
                if (Thread.currentThread().isInterrupted() && giveUp()) {
                    throw new DatabaseUnavailableException("interrupted while waiting for the write turn");
                }
            }
        }

        private boolean giveUp() {
            synchronized (WriteGate.this) {
                if (state != WAITING) {
                    return false;
                }
                queue.remove(this);
                state = GAVE_UP;
                return true;
            }
        }
    }
}
