package io.messages.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Consumer;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Where HikariCP makes its physical connections, each failure told to {@code onFailure} (the
 * {@link DatabaseBreaker}). HikariCP keeps its own attempts' failures to itself: a request that
 * finds only dead connections in the pool waits the whole {@code connectionTimeout} while
 * HikariCP retries a server that refuses every connection. Told at once, the breaker finds out
 * in milliseconds that the server is gone, and refuses requests at once instead.
 * {@link #settingUp} gives the same connections set up as HikariCP sets up its own, for users
 * outside the pool.
 */
final class WatchedDataSource implements DataSource {
    private final DataSource target;
    private final ConnectionSetUp setUp;
    private volatile Consumer<SQLException> onFailure = failure -> { };

    WatchedDataSource(DataSource target) {
        this(target, ConnectionSetUp.NONE);
    }

    private WatchedDataSource(DataSource target, ConnectionSetUp setUp) {
        this.target = target;
        this.setUp = setUp;
    }

    /**
     * This source's connections, each set up by {@code setUp} (closed if that fails); a failure to
     * connect is still told to this one's listener.
     */
    WatchedDataSource settingUp(ConnectionSetUp setUp) {
        return new WatchedDataSource(this, setUp);
    }

    /** Tells {@code listener} of every connection attempt that fails from now on. */
    void onFailure(Consumer<SQLException> listener) {
        this.onFailure = listener;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return setUp.applyOrClose(target.getConnection());
        } catch (SQLException e) {
            onFailure.accept(e);
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return setUp.applyOrClose(target.getConnection(username, password));
        } catch (SQLException e) {
            onFailure.accept(e);
            throw e;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target.isWrapperFor(type);
    }
}
