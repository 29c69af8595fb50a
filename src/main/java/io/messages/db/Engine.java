package io.messages.db;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.messages.backup.OffsiteCopies;
import io.messages.tracing.StatementTracing;
import io.messages.tracing.Tracing;

/**
 * The database engine (the recipe's engine plugin): a Helidon {@link DbClient} over the
 * service's connection pool, built from the {@code db} config when the service starts, with the
 * schema migrated, and closed when it stops. What differs by database is decided here, once:
 * how writes take their turn ({@link Writes}) and, for a SQLite file, its checks
 * ({@link DatabaseFile}); nothing asks again per request.
 *
 * <p>Longer than this project's other files (~375 lines) because it is the {@code db} package's
 * one public door: each of its methods is a short delegation to the class that does the work
 * (writes, short reads, the lane, the breaker, backups), documented here for callers outside
 * the package. What it decides itself is only the constructor's choice of implementations.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Engine.class.getName());

    private final DbClient client;
    private final ConnectionPool pool;
    private final DatabaseLocation location;
    private final Migrations migrations;
    private final Optional<DatabaseFile> file;
    private final Writes writes;
    private final ShortReads shortReads;
    private final ReadLane lane;
    private final TransactionCounters counters;
    private final Tracing tracing;
    private final String poolName;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Optional<Backups> backups = Optional.empty();
    // SQLite's, once the schema is there (a new file is written, so in WAL mode, by then).
    private volatile Optional<WalIndex> walIndex = Optional.empty();
    private volatile String schemaVersion = "0";

    private Engine(Config db, DatabaseConfig settings, ConnectionPool pool, Tracing tracing) {
        this.location = settings.location();
        this.pool = pool;
        this.tracing = tracing;
        this.migrations = settings.migrations();
        this.poolName = settings.poolName();
        DbStatements statements = DbStatements.create(db.get("statements"));
        // Helidon's JDBC client over our pool; statements by name from db.statements, as DbClient.create does.
        JdbcClientBuilder builder = JdbcClientBuilder.create().connectionPool(pool).statements(statements);
        tracing.tracer().ifPresent(tracer -> builder.addService(new StatementTracing(tracer)));
        this.client = builder.build();
        this.file = location.file().map(path -> DatabaseFile.opened(path, () -> WriteAheadLog.secure(client, location)));
        file.ifPresent(f -> pool.onFailure(failure -> {
            if (DatabaseFailure.diskFull(failure)) {
                f.writeFailedForSpace();
            }
        }));
        this.counters = new TransactionCounters();
        // Reads of several queries in one snapshot: a SQLite transaction is one (its first read
        // fixes what it sees, serializable being the driver's default); PostgreSQL's default, read
        // committed, takes a new snapshot for every statement.
        this.shortReads = new ShortReads(pool, statements, tracing, location.kind(),
                                         location.singleWriter() ? Connection.TRANSACTION_SERIALIZABLE
                                                                 : Connection.TRANSACTION_REPEATABLE_READ);
        this.lane = pool.lane(statements, tracing, location.kind());
        // A server database orders concurrent writers itself; SQLite takes one at a time, and
        // then several can share a commit (group commit).
        if (!location.singleWriter()) {
            this.writes = new ConcurrentWrites();
        } else if (settings.groupCommit().enabled()) {
            this.writes = new GroupCommit(client, new WriteGate(settings.busyTimeoutMillis()), file, counters, tracing,
                                          settings.groupCommit());
        } else {
            this.writes = new SerialWrites(new WriteGate(settings.busyTimeoutMillis()), file);
        }
    }

    /**
     * Opens the database described by {@code db} config and brings its schema to the newest
     * version ({@code db.migrations}: see {@link Migrations}).
     *
     * @param db the {@code db} config node
     * @return the open engine
     * @throws EngineException if the database cannot be opened or its schema migrated
     */
    public static Engine open(Config db) {
        return open(db, Tracing.off());
    }

    /**
     * Opens the engine as {@link #open(Config)} does, its statements and commits traced into
     * {@code tracing} (when it is on).
     *
     * @param db      the {@code db} config node
     * @param tracing where spans go
     * @return the open engine
     */
    public static Engine open(Config db, Tracing tracing) {
        Engine engine = connect(db, tracing);
        engine.migrateSchema();
        return engine;
    }

    /**
     * Opens the database as {@link #open(Config, Tracing)} does, but leaves its schema as it is:
     * {@link #migrateSchema()} must run before the engine serves a request. For a start-up that
     * does other work meanwhile (the web server is built while the migrations run).
     *
     * @param db      the {@code db} config node
     * @param tracing where spans go
     * @return the engine, its schema not migrated yet
     * @throws EngineException if the database cannot be opened
     */
    public static Engine connect(Config db, Tracing tracing) {
        DatabaseConfig settings = DatabaseConfig.from(db);
        // Before the pool: its first connection makes the file.
        settings.location().file().ifPresent(file -> OffsiteCopies.refuseEmptyStart(db.get("backup"), file));
        ConnectionPool pool = ConnectionPool.open(db.get("connection"), settings.location());
        try {
            return new Engine(db, settings, pool, tracing);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Brings the schema to the newest version ({@code db.migrations}: see {@link Migrations}).
     * If it cannot, closes the engine and throws.
     *
     * @throws EngineException with one line saying why
     */
    public void migrateSchema() {
        try {
            schemaVersion = migrations.apply(pool.dataSource(), location);
            if (walIndex.isEmpty()) {
                walIndex = location.file().flatMap(path -> WalIndex.open(pool, path));
            }
        } catch (RuntimeException e) {
            close();
            throw e instanceof EngineException ? e : new EngineException("cannot migrate the schema of "
                    + location.masked() + ": " + rootMessage(e), e);
        }
        file.ifPresent(DatabaseFile::noteLog);
    }

    /**
     * Applies the pending schema migrations of the database described by {@code db} config, then
     * closes it: {@code java -jar messages.jar migrate}, for an init container or a Job.
     *
     * @param db the {@code db} config node
     * @return the schema's version now
     * @throws EngineException with one line saying why, if the database cannot be opened or migrated
     */
    public static String migrate(Config db) {
        DatabaseConfig settings = DatabaseConfig.from(db);
        try (ConnectionPool pool = ConnectionPool.open(db.get("connection"), settings.location())) {
            return settings.migrations().applyNow(pool.dataSource(), settings.location());
        }
    }

    /**
     * A new request's transaction ({@link TransactionFilter}).
     *
     * @param dryRun whether the request changes nothing whatever it answers and counts in no
     *               total (the warm-up's rehearsals)
     */
    RequestTransaction begin(boolean dryRun) {
        return new RequestTransaction(client, writes, dryRun ? TransactionCounters.NONE : counters, tracing, dryRun);
    }

    /**
     * Runs the named query ({@code db.statements}) in a read-only transaction of its own, on a
     * pooled connection taken for this call only, and gives its rows to {@code visitor} straight
     * from JDBC, 1,000 at a time (on PostgreSQL a cursor: the driver never holds the whole
     * result). For what is read outside a request's transaction: a response too large to read
     * before its first byte, read between its writes, so that a client that reads slowly holds no
     * connection, nor (SQLite) a snapshot that keeps the write-ahead log from being checkpointed;
     * and the listing's checks, each one statement, so one snapshot. At most all but two of the
     * pool's connections read this way at once: writes, health checks and small reads always find
     * one.
     *
     * @param statementName the query's name in {@code db.statements}
     * @param visitor       takes the rows; it may stop early
     * @param parameters    the query's parameters, in order
     * @return true if the visitor took every row, false if it stopped early
     * @throws io.helidon.dbclient.DbClientException if the database failed (see {@link DatabaseFailure})
     */
    public boolean readAlone(String statementName, RowVisitor visitor, Object... parameters) {
        return shortReads.read(visitor, List.of(Query.of(statementName, parameters)));
    }

    /**
     * Runs {@code queries} one after another like {@link #readAlone(String, RowVisitor, Object...)},
     * in one transaction that is one snapshot (on PostgreSQL, repeatable read): every query sees
     * the database as the first one did. Their rows go to {@code visitor} in turn; when it stops
     * early, no further query runs.
     *
     * @param visitor takes the rows of every query; it may stop early
     * @param queries the queries, in order
     * @return true if the visitor took every row of every query, false if it stopped early
     * @throws io.helidon.dbclient.DbClientException if the database failed (see {@link DatabaseFailure})
     */
    public boolean readAlone(RowVisitor visitor, Query... queries) {
        return shortReads.read(visitor, List.of(queries));
    }

    /**
     * Runs the named query ({@code db.statements}) alone, like {@link #readAlone}, on the engine's
     * one connection for small frequent reads: prepared once, in auto-commit (one statement, one
     * snapshot), one read at a time. For reads that are one statement, return little, and run
     * on every request (the listing's checks): it saves a pooled read's checkout, parsing,
     * begin and commit. Results are not read through a cursor: at most {@value ReadLane#MAX_ROWS}
     * rows are read, and a statement with more reports that it was not read whole (false).
     *
     * @param statementName the query's name in {@code db.statements}
     * @param visitor       takes the rows; it may stop early
     * @param parameters    the query's parameters, in order
     * @return true if the visitor took every row, false if it stopped early
     * @throws io.helidon.dbclient.DbClientException if the database failed (see {@link DatabaseFailure})
     */
    public boolean readInLane(String statementName, RowVisitor visitor, Object... parameters) {
        return lane.read(statementName, visitor, parameters);
    }

    /**
     * Where the database's commits stand now, read without a transaction: a mark that
     * {@link #unchangedSince} can later compare (SQLite in WAL mode); on other databases one that
     * proves nothing.
     */
    public CommitMark commitMark() {
        return walIndex.map(WalIndex::mark).orElse(CommitMark.UNKNOWN);
    }

    /**
     * Whether the database proves that nothing was committed since {@code mark}, by any
     * connection of any process; false whenever it cannot tell.
     */
    public boolean unchangedSince(CommitMark mark) {
        Optional<WalIndex> index = walIndex;
        return index.isPresent() && index.get().unchangedSince(mark);
    }

    /** The schema's version (the newest migration applied), e.g. {@code 2}. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The Helidon database client, for statements outside a request (health checks, tools). */
    public DbClient client() {
        return client;
    }

    /** The connection pool's name ({@code db.connection.poolName}), unique in the JVM. */
    public String poolName() {
        return poolName;
    }

    /** The SQLite database file, absent for server and in-memory databases. */
    public Optional<DatabaseFile> file() {
        return file;
    }

    /** Where the data lives, as configured. */
    public DatabaseLocation location() {
        return location;
    }

    /** The connection pool's live figures (active, idle, waiting threads). */
    public HikariPoolMXBean pool() {
        return pool.figures();
    }

    /**
     * Whether the database server cannot be reached now (its connections lost or refused): every
     * request that needs it is refused at once (503) until a probe connects again.
     */
    public boolean unreachable() {
        return pool.unreachable();
    }

    /** How many times the database server could not be reached since start. */
    public long outages() {
        return pool.outages();
    }

    /**
     * How many pooled connections were retired because a transaction-control call failed on them
     * or their server went away.
     */
    public long retiredConnections() {
        return pool.retired();
    }

    /**
     * How many connections requests opened for themselves because the SQLite pool was short of
     * connections (lost to a failure, refilled with backoff), instead of waiting for the refill.
     */
    public long connectionsMadeWhilePoolShort() {
        return pool.madeForRequests();
    }

    /**
     * How many request transactions were begun, committed and rolled back since start, and how
     * many database commits made those that wrote durable.
     */
    public TransactionCounts counts() {
        return counters.counts();
    }

    /** How many requests are waiting for the write turn now (0 for server databases). */
    public int writersWaiting() {
        return writes.waiting();
    }

    /** How writes take their turn here (for tests in this package). */
    Writes writes() {
        return writes;
    }

    /** Whether writes of several requests share commits (SQLite with {@code db.group-commit.enabled}). */
    public boolean groupsCommits() {
        return writes instanceof GroupCommit;
    }

    /**
     * Starts the backups {@code backup} (the {@code db.backup} node) configures, on SQLite; they
     * stop when the engine closes. A server database is backed up by its own operator
     * (CloudNativePG): there the node is ignored, with a line in the log.
     *
     * @throws EngineException if the settings are not valid or the directory cannot be made
     */
    public void startBackups(Config backup) {
        if (file.isEmpty()) {
            if (!backup.get("directory").asString().orElse("").isBlank()) {
                LOGGER.log(System.Logger.Level.INFO, "db.backup is ignored: {0} is backed up by its own server", location.kind());
            }
            return;
        }
        try {
            backups = Backups.start(backup, file.get().path());
        } catch (RuntimeException e) {
            throw new EngineException("cannot back the database up: " + e.getMessage(), e);
        }
    }

    /** The backups of the SQLite file, when configured. */
    public Optional<Backups> backups() {
        return backups;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Closes the connection pool; every connection is closed. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            backups.ifPresent(Backups::close);
            walIndex.ifPresent(WalIndex::close);
            lane.close();
            shortReads.close();
            client.close();
            LOGGER.log(System.Logger.Level.DEBUG, "Closed the database engine for {0}", location.masked());
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
