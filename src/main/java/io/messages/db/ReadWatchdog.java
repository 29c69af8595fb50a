package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Ends a read that outlasts its connection's network timeout (PostgreSQL's {@code socketTimeout})
 * by aborting the connection, as the driver's own timeout would, without a timer per read: a
 * timed socket read of a virtual thread arms a timer in the JDK's scheduler and cancels it, each
 * time waking the scheduler's thread, and the lane reads before listings, thousands of times a
 * second. Its reads run one at a time, so the one in progress is the only one that can be due:
 * one timer, set for it.
 */
final class ReadWatchdog {
    private static final System.Logger LOGGER = System.getLogger(ReadWatchdog.class.getName());

    private final long timeoutNanos;
    private final AtomicReference<@Nullable Reading> reading = new AtomicReference<>();
    private final AtomicBoolean timerSet = new AtomicBoolean();

    /** A read being watched. */
    record Reading(Connection connection, long since) {
    }

    private ReadWatchdog(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Takes over {@code connection}'s network timeout, if it has one (a server database's): the
     * connection's reads then wait untimed, and this ends them.
     *
     * @return the watchdog; one that watches nothing if the connection has no network timeout
     * @throws SQLException if the driver refuses to change it
     */
    static ReadWatchdog takeOver(Connection connection) throws SQLException {
        int millis = connection.getNetworkTimeout();
        if (millis <= 0) {
            return new ReadWatchdog(0);
        }
        connection.setNetworkTimeout(Runnable::run, 0);
        return new ReadWatchdog(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** A read on {@code connection} begins: it is aborted if it has not ended within the timeout. */
    Reading started(Connection connection) {
        Reading now = new Reading(connection, System.nanoTime());
        if (timeoutNanos == 0) {
            return now;
        }
        reading.set(now);
        if (timerSet.compareAndSet(false, true)) {
            setTimer(now.since() + timeoutNanos);
        }
        return now;
    }

    /**
     * The read {@code started} has ended.
     *
     * @return false if it had been found past its timeout first: its connection is being aborted
     */
    boolean ended(Reading started) {
        return timeoutNanos == 0 || reading.compareAndSet(started, null);
    }

    // Aborts the read in progress if it is due; then sets the timer for it, if it is still on.
    private void check() {
        Reading now = reading.get();
        if (now != null && System.nanoTime() - now.since() >= timeoutNanos && reading.compareAndSet(now, null)) {
            abort(now.connection());
            now = null;
        }
        if (now == null) {
            timerSet.set(false);
            // A read that began meanwhile saw the timer still set: set it for that one.
            now = reading.get();
            if (now == null || !timerSet.compareAndSet(false, true)) {
                return;
            }
        }
        setTimer(now.since() + timeoutNanos);
    }

    // Off the JDK's shared delay thread: a log handler or a socket's close may block.
    private void abort(Connection connection) {
        Thread.ofVirtual().name("messages-read-watchdog").start(() -> {
            LOGGER.log(System.Logger.Level.WARNING, "A read had no answer from the database within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: its connection is aborted");
            try {
                // Its read fails at once; the lane is made again at the next read.
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "could not abort a read past its timeout: " + e.getMessage());
            }
        });
    }

    // The JDK's shared delay thread (a platform thread) runs check() then, itself: it is short.
    private void setTimer(long deadline) {
        long delay = Math.max(0, deadline - System.nanoTime());
        CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run).execute(this::check);
    }
}
