package io.messages.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariPoolMXBean;

import org.jspecify.annotations.Nullable;

/**
 * Connections requests open for themselves, outside the pool ({@link ConnectionPool}: while a
 * SQLite pool is short of connections), at most {@code max} at once: closing one closes the
 * physical connection and gives its place back, once.
 */
final class OwnConnections {
    /** Opens a physical connection. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final int max;
    private final Semaphore places;
    private final LongAdder made = new LongAdder();

    OwnConnections(int max) {
        this.max = max;
        this.places = new Semaphore(max);
    }

    /**
     * A connection of its own from {@code connector} while the pool {@code figures} describe is
     * short (none idle, fewer than {@code max}); null when it is not, or {@code max} are open already.
     */
    @Nullable Connection openWhileShort(@Nullable HikariPoolMXBean figures, Connector connector) throws SQLException {
        // A pool short of connections has lost some to a failure (a storage fault, a full disk) and
        // HikariCP refills it with backoff, half a connectionTimeout at most between tries: a request
        // would wait for the refill although the file took writes again long ago (measured on CI: up
        // to 10 s after read-only storage recovered). Where opening a connection takes about a
        // millisecond (SQLite), while the pool is short a request opens one of its own and closes it
        // after its transaction; at most as many at once as the pool holds.
        boolean isShort = figures != null && figures.getIdleConnections() == 0 && figures.getTotalConnections() < max;
        return isShort ? open(connector) : null;
    }

    // A connection of its own from connector; null when max are open already.
    private @Nullable Connection open(Connector connector) throws SQLException {
        if (!places.tryAcquire()) {
            return null;
        }
        Connection connection;
        try {
            connection = connector.connect();
        } catch (SQLException | RuntimeException e) {
            places.release();
            throw e;
        }
        made.increment();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                                                   new ReleasedOnClose(connection, places::release));
    }

    /** How many were opened since start. */
    long made() {
        return made.sum();
    }

    private static final class ReleasedOnClose implements InvocationHandler {
        private final Connection connection;
        private final Runnable release;
        private final AtomicBoolean released = new AtomicBoolean();

        private ReleasedOnClose(Connection connection, Runnable release) {
            this.connection = connection;
            this.release = release;
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (method.getName().equals("close") && released.compareAndSet(false, true)) {
                    release.run();
                }
            }
        }
    }
}
