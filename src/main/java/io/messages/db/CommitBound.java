package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * A {@code COMMIT} bounded as the server bounds every other statement of the service's, for a
 * server that does not time it: PostgreSQL ends a statement at {@code statement_timeout}
 * ({@code ServerKind}), but not the wait of a {@code COMMIT} for a synchronous standby, which
 * lasts until one answers. The driver gives up at its {@code socketTimeout} and drops the
 * connection, and the backend stays behind, still waiting, for nobody: with no standby answering,
 * every write tried left one more, until the server refused every connection, the listing's,
 * the readiness check's and the operator's (SynchronousStandbyTest). So a commit still waiting
 * at the bound is cancelled, as the server cancels any other statement: PostgreSQL then ends the
 * wait and answers the {@code COMMIT} with a warning, committed on the primary but not confirmed
 * by a standby. That is not what a 2xx promises: such a commit fails ({@code 08007}, transaction
 * resolution unknown: a 503), on a connection still good. So does a {@code COMMIT} that came back
 * with a warning of class 01 without a cancel of ours (an operator's {@code pg_cancel_backend} of
 * the wait), and one whose connection was lost while it ran ({@code 08006}: its backend terminated
 * in the wait): the server may have committed either.
 *
 * <p>One thread looks at the commits in flight eight times a bound, so each is cancelled between
 * seven eighths of the bound and the bound itself (from a virtual thread of its own: a cancel
 * connects to the server); a commit costs a set's add and remove and a look at its warnings.
 */
public final class CommitBound implements AutoCloseable {
    /** How a commit is cancelled on its connection (for PostgreSQL, the driver's cancel request). */
    @FunctionalInterface
    public interface Cancel {
        /** Asks the server to end what {@code connection} is running (the server may not answer). */
        void cancel(Connection connection);
    }

    /** A commit, run on its connection. */
    @FunctionalInterface
    interface Commit {
        @Nullable Object run() throws Throwable;
    }

    private static final System.Logger LOGGER = System.getLogger(CommitBound.class.getName());
    private static final int LOOKS = 8;
    private static final CommitBound NONE = new CommitBound(false, 0, connection -> { });

    private final boolean confirms;
    private final long boundNanos;
    private final Cancel cancel;
    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    private final @Nullable ScheduledExecutorService watch;

    // A commit in flight. Its lock orders a cancel before the commit's end: the driver's cancel
    // returns once the server has signalled the backend, so a cancel is never taken by what the
    // connection runs next, for another request (the backend drops a cancel that finds it waiting
    // for a command). A lock, not a monitor: a cancel connects to the server, and a virtual thread
    // blocked on a monitor pins its carrier before Java 24.
    private static final class InFlight {
        private final Connection connection;
        private final long since = System.nanoTime();
        private final ReentrantLock lock = new ReentrantLock();
        private boolean due;
        private boolean ended;
        private boolean cancelled;

        InFlight(Connection connection) {
            this.connection = connection;
        }

        // Ends it (no cancel of it goes out after this); whether one was sent.
        boolean end() {
            lock.lock();
            try {
                ended = true;
                return cancelled;
            } finally {
                lock.unlock();
            }
        }
    }

    private CommitBound(boolean confirms, long boundNanos, Cancel cancel) {
        this.confirms = confirms;
        this.boundNanos = boundNanos;
        this.cancel = cancel;
        if (boundNanos == 0) {
            this.watch = null;
            return;
        }
        this.watch = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("messages-commit-bound").factory());
        long period = Math.max(1, boundNanos / LOOKS);
        watch.scheduleAtFixedRate(this::look, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Commits confirmed by the server's silence: a warning on a {@code COMMIT} (PostgreSQL's when
     * its wait for a standby was cancelled, by this bound or by an operator) fails it; past
     * {@code bound} (none if zero) a commit is cancelled with {@code cancel}.
     */
    public static CommitBound of(Duration bound, Cancel cancel) {
        // At most what statement_timeout takes (24 days): nanoTime arithmetic stays far from overflow.
        long millis = bound.isNegative() ? 0 : Math.min(bound.toMillis(), Integer.MAX_VALUE);
        return new CommitBound(true, TimeUnit.MILLISECONDS.toNanos(millis), cancel);
    }

    /** Commits as the driver returns them: the database has no wait to cancel (SQLite). */
    public static CommitBound none() {
        return NONE;
    }

    /**
     * Runs {@code commit} on {@code connection}, within the bound.
     *
     * @throws SQLException (08007, transaction resolution unknown) if it was cancelled or the server
     *                      warned of it: what it wrote holds on the server, but not as a 2xx promises
     */
    @Nullable Object commit(Connection connection, Commit commit) throws Throwable {
        if (!confirms) {
            return commit.run();
        }
        connection.clearWarnings();
        InFlight now = new InFlight(connection);
        boolean watched = watch != null;
        if (watched) {
            inFlight.add(now);
        }
        Object result;
        try {
            result = commit.run();
        } catch (SQLException e) {
            // Lost while the COMMIT was under way (cancelled, then cut off by socketTimeout; the
            // backend terminated during its wait): the server may have committed it.
            boolean cancelled = now.end();
            throw cancelled || DatabaseFailure.lostMidCall(e) ? unconfirmed("the commit's outcome is unknown", e) : e;
        } finally {
            if (watched) {
                inFlight.remove(now);
            }
            now.end();
        }
        boolean cancelled = now.end();
        String warned = warned(connection.getWarnings());
        if (cancelled || warned != null) {
            String within = cancelled ? " within " + TimeUnit.NANOSECONDS.toMillis(boundNanos) + " ms, and was cancelled" : "";
            throw unconfirmed("the commit was not confirmed" + within + (warned != null ? ": " + warned : ""), null);
        }
        return result;
    }

    // The first warning of class 01 in the chain (PostgreSQL's, when a wait for a standby was cancelled).
    private static @Nullable String warned(@Nullable SQLWarning first) {
        for (SQLWarning warning = first; warning != null; warning = warning.getNextWarning()) {
            if (warning.getSQLState() != null && warning.getSQLState().startsWith("01")) {
                return warning.getMessage();
            }
        }
        return null;
    }

    private static SQLException unconfirmed(String message, @Nullable SQLException cause) {
        return new SQLException(message + (cause != null ? ": " + cause.getMessage() : ""), DatabaseFailure.UNCONFIRMED, cause);
    }

    // Cancels each commit in flight past seven eighths of the bound (the next look would be past
    // it), each from a thread of its own: a cancel connects to the server, which may not answer.
    private void look() {
        try {
            long due = System.nanoTime() - (boundNanos - boundNanos / LOOKS);
            for (InFlight commit : inFlight) {
                if (commit.since - due <= 0 && !commit.due) {
                    commit.due = true;
                    Thread.ofVirtual().name("messages-commit-cancel").start(() -> cancel(commit));
                }
            }
        } catch (RuntimeException | Error e) {
            // Thrown out of a scheduled task, it would end the looks for good.
            LOGGER.log(System.Logger.Level.WARNING, "could not look at the commits in flight: " + e);
        }
    }

    // The request's own failure says the rest, once (ErrorResponses).
    private void cancel(InFlight commit) {
        commit.lock.lock();
        try {
            if (commit.ended) {
                return;
            }
            commit.cancelled = true;
            cancel.cancel(commit.connection);
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "could not cancel a commit past its bound: " + e.getMessage());
        } finally {
            commit.lock.unlock();
        }
    }

    /** Stops looking. */
    @Override
    public void close() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }
}
