package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fails fast through a database outage. When a failure says the database server went away or
 * cannot be reached ({@link DatabaseFailure#serverGone}: a lost or refused connection, a server
 * shutting down or starting), one thread tries a new connection of its own at once. If that
 * fails too, the server is down: the breaker opens, and every request that needs a connection is
 * refused at once (503 with {@code Retry-After}) instead of waiting for the pool's
 * {@code connectionTimeout}, while the thread tries again every {@value #PROBE_MILLIS} ms; the
 * first that succeeds closes the breaker, and requests flow again. If it succeeds at once (one
 * backend was terminated, the server is fine), nothing opens. Nothing here ever opens on SQLite,
 * whose failures carry no such state.
 */
final class DatabaseBreaker {
    private static final System.Logger LOGGER = System.getLogger(DatabaseBreaker.class.getName());
    private static final long PROBE_MILLIS = 50;

    /** Makes a new physical connection to the database, bypassing the pool. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicBoolean open = new AtomicBoolean();
    private final LongAdder opened = new LongAdder();
    private volatile long openedNanos;

    DatabaseBreaker(Connector connector) {
        this.connector = connector;
    }

    /**
     * Refuses at once while the database cannot be reached.
     *
     * @throws DatabaseUnavailableException while the breaker is open
     */
    void check() {
        if (open.get()) {
            throw new DatabaseUnavailableException("the database cannot be reached: refused at once until it answers again");
        }
    }

    /**
     * {@code failure} happened on the way to the database: if it says the server is gone, a
     * probe finds out at once whether it is (the breaker opens) or not.
     */
    void failed(SQLException failure) {
        if (DatabaseFailure.serverGone(failure) && probing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("messages-database-probe").start(() -> probe(failure));
        }
    }

    /** Whether requests are refused at once now. */
    boolean isOpen() {
        return open.get();
    }

    /** How many times the breaker opened since start. */
    long timesOpened() {
        return opened.sum();
    }

    private void probe(SQLException why) {
        try {
            if (reachable()) {
                return;
            }
            openedNanos = System.nanoTime();
            opened.increment();
            open.set(true);
            LOGGER.log(System.Logger.Level.WARNING, "The database cannot be reached; requests are refused at once (503)"
                    + " until it answers again: " + why.getMessage());
            do {
                TimeUnit.MILLISECONDS.sleep(PROBE_MILLIS);
            } while (!reachable());
            open.set(false);
            LOGGER.log(System.Logger.Level.INFO, "The database answers again, after {0,number,#} ms",
                       Duration.ofNanos(System.nanoTime() - openedNanos).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probing.set(false);
        }
    }

    private boolean reachable() {
        try (Connection connection = connector.connect()) {
            return connection.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
