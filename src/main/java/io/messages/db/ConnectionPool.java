package io.messages.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.util.DriverDataSource;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The database client's connection pool: HikariCP, configured from {@code db.connection} exactly
 * as Helidon's Hikari provider does it ({@code url}, {@code username}, {@code password}, every
 * other key a HikariCP property), plus what that provider cannot do: retire one connection that
 * can no longer be trusted ({@link GuardedConnection}). HikariCP by itself evicts a connection
 * only for a few SQLSTATEs, never for SQLite's errors, and puts a connection whose rollback
 * failed back into the pool, where every later user fails on it.
 */
public final class ConnectionPool implements CloseableJdbcConnectionPool {
    private static final System.Logger LOGGER = System.getLogger(ConnectionPool.class.getName());
    // How Helidon's provider names the database type: "jdbc:sqlite", "jdbc:postgresql".
    private static final Pattern DB_TYPE = Pattern.compile("(\\w+:\\w+):.*");
    private static final long WAIT_SLICE_MILLIS = 100;

    private final HikariDataSource dataSource;
    // Where the pool makes its physical connections; and how it sets them up, for the ones made
    // outside it.
    private final WatchedDataSource connections;
    private final ConnectionSetUp likeThePool;
    private final DatabaseBreaker breaker;
    private final String dbType;
    // Whether a request opens a connection of its own while the pool is short, rather than wait
    // for one in slices behind the breaker: the database kind says, once.
    private final boolean opensOwnWhileShort;
    private final CommitBound commits;
    private final LongAdder retired = new LongAdder();
    // Connections requests open for themselves while the pool is short (SQLite): at most its size.
    private final OwnConnections own;
    private volatile Consumer<SQLException> failures = failure -> { };

    private ConnectionPool(HikariDataSource dataSource, WatchedDataSource connections, String dbType, StorageKind kind) {
        this.dataSource = dataSource;
        this.connections = connections;
        this.likeThePool = ConnectionSetUp.likeThePool(dataSource);
        this.dbType = dbType;
        this.opensOwnWhileShort = kind.opensConnectionsWhileShort();
        this.commits = kind.commitBound(dataSource);
        this.breaker = new DatabaseBreaker(this::connectAlone);
        this.own = new OwnConnections(dataSource.getMaximumPoolSize());
        // The pool's own connection attempts (its refill, a request's need) tell the breaker too.
        connections.onFailure(breaker::failed);
    }

    /** {@link #connectAlone()}, its failure unchecked: for the storage's own connections. */
    public Supplier<Connection> ownConnections() {
        return () -> {
            try {
                return connectAlone();
            } catch (SQLException e) {
                throw new DbClientException("cannot open a connection: " + e.getMessage(), e);
            }
        };
    }

    /**
     * A new physical connection of its own, outside the pool, made as the pool makes its own:
     * the URL, user, password and driver properties of {@code db.connection}, then
     * {@link ConnectionSetUp#likeThePool}.
     */
    Connection connectAlone() throws SQLException {
        return connectAlone(ConnectionSetUp.NONE);
    }

    /** {@link #connectAlone()}, then {@code more} done to it; closed if anything of it fails. */
    Connection connectAlone(ConnectionSetUp more) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(dataSource.getDataSourceProperties());
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        return likeThePool.andThen(more).applyOrClose(DriverManager.getConnection(dataSource.getJdbcUrl(), properties));
    }

    /**
     * Refuses at once while the database cannot be reached, as {@link #connection()} does.
     *
     * @throws DatabaseUnavailableException while it cannot
     */
    void refuseWhileUnreachable() {
        breaker.check();
    }

    /**
     * Opens the database {@code settings} locates with the pool described by the
     * {@code db.connection} node and its kind's defaults (HikariCP connects at once, so an
     * unreachable database fails here).
     *
     * @throws EngineException with one line saying why it cannot be opened
     */
    static ConnectionPool open(Config connection, DatabaseConfig settings) {
        try {
            return start(connection, settings.kind());
        } catch (RuntimeException e) {
            throw new EngineException("cannot open the database at " + settings.location().masked() + ": "
                                              + DatabaseFailure.rootMessage(e), e);
        }
    }

    private static ConnectionPool start(Config connection, StorageKind kind) {
        Map<String, String> values = connection.detach().asMap().orElseGet(Map::of);
        HikariConfig config = PoolSettings.of(values, kind.poolDefaults());
        kind.completePool(config);
        String url = config.getJdbcUrl();
        // What HikariCP would connect through by itself (the URL, the driver's properties), watched.
        WatchedDataSource connections = new WatchedDataSource(new DriverDataSource(
                url, config.getDriverClassName(), config.getDataSourceProperties(), config.getUsername(), config.getPassword()));
        config.setDataSource(connections);
        Matcher type = DB_TYPE.matcher(url);
        return new ConnectionPool(new HikariDataSource(config), connections, type.matches() ? type.group(1) : DEFAULT_DB_TYPE, kind);
    }

    /**
     * A pooled connection, guarded; refused at once while the database cannot be reached
     * ({@link DatabaseBreaker}).
     */
    @Override
    public Connection connection() {
        breaker.check();
        try {
            return GuardedConnection.of(pooled(), this);
        } catch (SQLException e) {
            breaker.failed(e);
            // The cause says why (pool timeout, refused, bad password); the URL stays out of it.
            throw new DbClientException("no database connection: " + e.getMessage(), e);
        }
    }

    // A connection within connectionTimeout, waited for a slice at a time: a request already waiting
    // when the breaker opens (HikariCP retrying a server that refuses every connection) is refused
    // within a slice, not at the end of the whole wait.
    private Connection pooled() throws SQLException {
        if (dataSource.isClosed()) {
            // As HikariDataSource.getConnection() says it; the pool itself would wait out the timeout.
            throw new SQLException("the connection pool " + dataSource.getPoolName() + " is closed");
        }
        if (opensOwnWhileShort) {
            // One wait, unless the pool is short and none is idle.
            Connection made = own.openWhileShort(dataSource.getHikariPoolMXBean(), this::connectAlone);
            return made != null ? made : dataSource.getConnection();
        }
        HikariPool pool = (HikariPool) dataSource.getHikariPoolMXBean();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(dataSource.getConnectionTimeout());
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                return pool.getConnection(Math.max(1, Math.min(left, WAIT_SLICE_MILLIS)));
            } catch (SQLTransientConnectionException timedOut) {
                if (left <= WAIT_SLICE_MILLIS) {
                    throw new SQLTransientConnectionException("no pooled connection within "
                            + dataSource.getConnectionTimeout() + " ms", timedOut.getSQLState(), timedOut);
                }
                breaker.check();
            }
        }
    }

    /** How many connections requests opened for themselves while the pool was short (SQLite). */
    public long madeForRequests() {
        return own.made();
    }

    @Override
    public String dbType() {
        return dbType;
    }

    /** How many connections the pool holds at most ({@code maximumPoolSize}). */
    int size() {
        return dataSource.getMaximumPoolSize();
    }

    /** The pool as a plain DataSource (its connections are not guarded), for tools such as migrations. */
    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Connections made as the pool makes its own (as {@link #connectAlone()}; a failure to connect
     * tells the breaker), then set up by {@code more}, each new and closed for good when its user
     * closes it: for work that changes its connection's session, which a pooled connection would
     * carry into the requests it serves next.
     */
    DataSource unpooled(ConnectionSetUp more) {
        return connections.settingUp(likeThePool.andThen(more));
    }

    /** Tells {@code listener} of every failure a statement or transaction call meets on any connection. */
    public void onFailure(Consumer<SQLException> listener) {
        this.failures = listener;
    }

    /** A call on one of this pool's connections failed. */
    void failed(SQLException failure) {
        breaker.failed(failure);
        failures.accept(failure);
    }

    /** How this pool's connections commit ({@link StorageKind#commitBound}). */
    CommitBound commits() {
        return commits;
    }

    /** Whether the database cannot be reached now: connections are refused at once. */
    public boolean unreachable() {
        return breaker.isOpen();
    }

    /** How many times the database could not be reached since start. */
    public long outages() {
        return breaker.timesOpened();
    }

    /** The pool's live figures, and the soft eviction of all its connections. */
    public HikariPoolMXBean figures() {
        return dataSource.getHikariPoolMXBean();
    }

    /** How many connections were retired because they could no longer be trusted. */
    public long retired() {
        return retired.sum();
    }

    /** The pool's name ({@code db.connection.poolName}), unique in the JVM. */
    public String name() {
        return dataSource.getPoolName();
    }

    /** Registers the pool's meters ({@link PoolMeters}), tagged with {@code pool}. */
    void registerMeters(MeterRegistry registry, Tag pool) {
        PoolMeters.register(this, registry, pool);
    }

    /** Whether the pool was closed. */
    boolean isClosed() {
        return dataSource.isClosed();
    }

    /**
     * Takes {@code pooled} out of the pool now: its physical connection is closed instead of being
     * handed out again. When the failure says that its server went away (shut down, restarting,
     * or no longer the primary), every other connection is retired too: idle ones now, busy ones
     * when they are returned, so that none is left pointing at a server that is gone.
     */
    void retire(Connection pooled, SQLException why) {
        retired.increment();
        dataSource.evictConnection(pooled);
        boolean serverGone = DatabaseFailure.serverGone(why);
        if (serverGone) {
            figures().softEvictConnections();
        }
        LOGGER.log(System.Logger.Level.WARNING, "Retired {0} after: {1}",
                   serverGone ? "every pooled connection" : "a pooled connection", why.getMessage());
    }

    @Override
    public void close() {
        commits.close();
        dataSource.close();
    }
}
