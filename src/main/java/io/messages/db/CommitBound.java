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
import java.util.concurrent.atomic.AtomicBoolean;

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
 * resolution unknown: a 503), on a connection still good.
 *
 * <p>One thread looks at the commits in flight eight times a bound, so each is cancelled between
 * seven eighths of the bound and the bound itself (from a virtual thread of its own: a cancel
 * connects to the server); a commit costs a set's add and remove and a look at its warnings.
 */
public final class CommitBound implements AutoCloseable {
    /** How a commit is cancelled on its connection (for PostgreSQL, the driver's cancel request). */
    @FunctionalInterface
    public interface Cancel {
        /** Asks the server to end what {@code connection} is running; throws if it cannot. */
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

    // A commit in flight; its monitor orders a cancel before the commit's end, so that a cancel is
    // never taken by what the connection runs next, for another request.
    private static final class InFlight {
        private final Connection connection;
        private final long since = System.nanoTime();
        private final AtomicBoolean due = new AtomicBoolean();
        private boolean ended;
        private boolean cancelled;

        InFlight(Connection connection) {
            this.connection = connection;
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
        long period = boundNanos / LOOKS;
        watch.scheduleAtFixedRate(this::look, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Commits confirmed by the server's silence: a warning on a {@code COMMIT} (PostgreSQL's when
     * its wait for a standby was cancelled, by this bound or by an operator) fails it; past
     * {@code bound} (none if zero) a commit is cancelled with {@code cancel}.
     */
    public static CommitBound of(Duration bound, Cancel cancel) {
        return new CommitBound(true, bound.isNegative() ? 0 : bound.toNanos(), cancel);
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
        boolean cancelled;
        try {
            result = commit.run();
        } finally {
            if (watched) {
                inFlight.remove(now);
            }
            synchronized (now) {
                now.ended = true;
                cancelled = now.cancelled;
            }
        }
        SQLWarning warning = connection.getWarnings();
        if (cancelled || warning != null && warning.getSQLState() != null && warning.getSQLState().startsWith("01")) {
            throw new SQLException("the commit was not confirmed" + (cancelled ? " within " + TimeUnit.NANOSECONDS.toMillis(boundNanos)
                    + " ms, and was cancelled" : "") + (warning != null ? ": " + warning.getMessage() : ""), DatabaseFailure.UNCONFIRMED);
        }
        return result;
    }

    // Cancels each commit in flight past seven eighths of the bound (the next look would be past
    // it), each from a thread of its own: a cancel connects to the server, which may not answer.
    private void look() {
        long due = System.nanoTime() - (boundNanos - boundNanos / LOOKS);
        for (InFlight commit : inFlight) {
            if (commit.since - due <= 0 && commit.due.compareAndSet(false, true)) {
                Thread.ofVirtual().name("messages-commit-cancel").start(() -> cancel(commit));
            }
        }
    }

    // The request's own failure says the rest, once (ErrorResponses).
    private void cancel(InFlight commit) {
        synchronized (commit) {
            if (commit.ended) {
                return;
            }
            commit.cancelled = true;
            try {
                cancel.cancel(commit.connection);
            } catch (RuntimeException e) {
                LOGGER.log(System.Logger.Level.WARNING, "could not cancel a commit past its bound: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }
}
