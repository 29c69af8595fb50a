package io.messages.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.messages.tracing.StatementTracing;
import io.messages.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import org.jspecify.annotations.Nullable;

/**
 * The database engine: a Helidon {@link DbClient} (with its connection pool) built from the
 * {@code db} config, with the schema ensured. The recipe's engine plugin: opened when the
 * service starts and closed when it stops.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Engine.class.getName());
    // Rows a read alone takes from the database at a time.
    private static final int FETCH_ROWS = 1000;
    private final DbClient client;
    private final DbStatements statements;
    private final Semaphore readsAlone;
    private final Tracing tracing;
    private final Migrations migrations;
    private final ConnectionPool pool;
    private final DatabaseLocation location;
    private final WriteGate writeGate;
    private final String poolName;
    private final Optional<DatabaseFile> file;
    private final @Nullable GroupCommit groupCommit;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String schemaVersion = "0";
    private final LongAdder begun = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder rolledBack = new LongAdder();
    private final LongAdder databaseCommits = new LongAdder();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();

    // Where the request transactions' commit spans go.
    Tracing tracing() {
        return tracing;
    }

    private Engine(DbClient client, DbStatements statements, ConnectionPool pool, DatabaseLocation location,
                   WriteGate writeGate, String poolName, GroupCommitSettings groupCommit, Tracing tracing,
                   Migrations migrations) {
        this.client = client;
        this.statements = statements;
        // Two connections always left to writes, health checks and small reads.
        this.readsAlone = new Semaphore(Math.max(1, pool.size() - 2), true);
        this.tracing = tracing;
        this.migrations = migrations;
        this.pool = pool;
        this.location = location;
        this.writeGate = writeGate;
        this.poolName = poolName;
        this.file = location.file().map(path -> DatabaseFile.opened(path, this::secureCommittedWrites));
        file.ifPresent(f -> pool.onFailure(failure -> {
            if (DatabaseFailure.diskFull(failure)) {
                f.writeFailedForSpace();
            }
        }));
        // Only a single-writer database queues its writers, so only there can they share commits.
        this.groupCommit = location.singleWriter() && groupCommit.enabled() ? new GroupCommit(this, groupCommit) : null;
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
        DatabaseLocation location = location(db);
        GroupCommitSettings groupCommit = groupCommit(db.get("group-commit"));
        Migrations migrations = Migrations.from(db.get("migrations"));
        location.file().ifPresent(Engine::createDirectory);
        ConnectionPool pool = startPool(db, location);
        // Helidon's JDBC client over our pool; statements by name from db.statements, as DbClient.create does.
        DbStatements statements = DbStatements.create(db.get("statements"));
        JdbcClientBuilder builder = JdbcClientBuilder.create()
                .connectionPool(pool)
                .statements(statements);
        tracing.tracer().ifPresent(tracer -> builder.addService(new StatementTracing(tracer)));
        DbClient client = builder.build();
        long busyTimeout = db.get("connection.dataSource.busy_timeout").asLong().orElse(5000L);
        return new Engine(client, statements, pool, location, WriteGate.create(location.singleWriter(), busyTimeout),
                          db.get("connection.poolName").asString().orElse("messages"), groupCommit, tracing, migrations);
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
        DatabaseLocation location = location(db);
        location.file().ifPresent(Engine::createDirectory);
        try (ConnectionPool pool = startPool(db, location)) {
            return Migrations.from(db.get("migrations")).applyNow(pool.dataSource(), location);
        }
    }

    /** The schema's version (the newest migration applied), e.g. {@code 2}. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** The Helidon database client, for statements outside a request (health checks, tools). */
    public DbClient client() {
        return client;
    }

    /**
     * Runs the named query ({@code db.statements}) in a read-only transaction of its own, on a
     * pooled connection taken for this call only, and gives its rows to {@code visitor} straight
     * from JDBC ({@link RowVisitor}), {@value #FETCH_ROWS} at a time (on PostgreSQL a cursor: the
     * driver never holds the whole result). For a response too large to read before its first
     * byte: it reads in such short transactions between its writes, so that a client that reads
     * slowly holds no connection, nor (SQLite) a snapshot that keeps the write-ahead log from
     * being checkpointed. At most all but two of the pool's connections do this at once: writes,
     * health checks and small reads always find one.
     *
     * @param statementName the query's name in {@code db.statements}
     * @param visitor       takes the rows; it may stop early
     * @param parameters    the query's parameters, in order
     * @return true if the visitor took every row, false if it stopped early
     * @throws DbClientException if the database failed (classified by {@link DatabaseFailure})
     */
    public boolean readAlone(String statementName, RowVisitor visitor, Object... parameters) {
        String sql = statements.statement(statementName);
        Optional<Span> span = tracing.tracer().map(tracer -> tracer.spanBuilder(statementName)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system", location.kind())
                .setAttribute("db.operation.name", "QUERY")
                .setAttribute("db.query.text", sql)
                .startSpan());
        try {
            readsAlone.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            span.ifPresent(Span::end);
            throw new DatabaseUnavailableException("interrupted while waiting to read", e);
        }
        try (Connection connection = pool.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setFetchSize(FETCH_ROWS);
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                boolean all = true;
                try (ResultSet rows = statement.executeQuery()) {
                    while (all && rows.next()) {
                        all = visitor.row(rows.getLong(1), rows.getBytes(2));
                    }
                }
                connection.commit();
                return all;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            span.ifPresent(s -> s.recordException(e).setStatus(StatusCode.ERROR));
            throw new DbClientException("reading " + statementName + " failed: " + e.getMessage(), e);
        } finally {
            readsAlone.release();
            span.ifPresent(Span::end);
        }
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
     * How many pooled connections were retired because a transaction-control call failed on them
     * or their server went away.
     */
    public long retiredConnections() {
        return pool.retired();
    }

    /**
     * How many request transactions were begun, committed and rolled back since start, and how
     * many database commits made those that wrote durable.
     */
    public TransactionCounts counts() {
        return new TransactionCounts(begun.sum(), committed.sum(), rolledBack.sum(), databaseCommits.sum());
    }

    /** How many requests are waiting for the write turn now (0 for server databases). */
    public int writersWaiting() {
        return writeGate.waiting();
    }

    /** Whether writes of several requests share commits (SQLite with {@code db.group-commit.enabled}). */
    public boolean groupsCommits() {
        return groupCommit != null;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Closes the connection pool; every connection is closed. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
            LOGGER.log(System.Logger.Level.DEBUG, "Closed the database engine for {0}", location.masked());
        }
    }

    /**
     * Checks, before writes are accepted, that the SQLite file can still take them.
     *
     * @throws DatabaseUnavailableException if it cannot (answered as 503)
     */
    void checkFile() {
        file.flatMap(DatabaseFile::problem).ifPresent(problem -> {
            throw new DatabaseUnavailableException("the database cannot take writes: " + problem);
        });
    }

    // The write-ahead log was lost under the open connections (see DatabaseFile): every committed
    // write is copied out of it, through a connection that still has it open, into the database
    // file, so that none depends on it any more, however this process ends.
    private void secureCommittedWrites() {
        LOGGER.log(System.Logger.Level.ERROR, "The write-ahead log of {0} was deleted or replaced under the service:"
                + " writes are refused until a restart; copying every committed write into the database file",
                   location.masked());
        try (Stream<DbRow> result = client.execute().query("PRAGMA wal_checkpoint(TRUNCATE)")) {
            DbRow row = result.findFirst().orElseThrow();
            boolean complete = row.column("busy").get(Number.class).intValue() == 0;
            LOGGER.log(complete ? System.Logger.Level.INFO : System.Logger.Level.ERROR,
                       complete ? "Every committed write is in the database file" : "The checkpoint could not complete");
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.ERROR, "Copying committed writes into the database file failed", e);
        }
    }

    WriteGate writeGate() {
        return writeGate;
    }

    @Nullable GroupCommit groupCommit() {
        return groupCommit;
    }

    void countBegin() {
        begun.increment();
    }

    void countEnd(boolean commit, boolean wrote, boolean onlyAppended) {
        (commit ? committed : rolledBack).increment();
        if (commit && wrote) {
            file.ifPresent(DatabaseFile::written);
            databaseCommits.increment();
            // changes first: a reader that sees the new write count must see the change too.
            if (!onlyAppended) {
                changes.incrementAndGet();
            }
            writes.incrementAndGet();
        }
    }

    /** {@code kept} request transactions were committed by one database commit. */
    void countGroupCommit(int kept, boolean changed) {
        if (kept == 0) {
            return;
        }
        file.ifPresent(DatabaseFile::written);
        committed.add(kept);
        databaseCommits.increment();
        if (changed) {
            changes.incrementAndGet();
        }
        writes.addAndGet(kept);
    }

    /**
     * Tells the engine that data changed outside request transactions (maintenance through
     * {@link #client()}), so that caches keyed by {@link #dataVersion()} are not served again.
     */
    public void dataChanged() {
        changes.incrementAndGet();
        writes.incrementAndGet();
    }

    /**
     * How far the data has moved, for caches of what requests read; empty when other processes
     * may write to the database too (server databases), so that this process cannot tell. It
     * moves after a write's commit and before that request's response is sent.
     */
    public Optional<DataVersion> dataVersion() {
        return location.singleWriter() ? Optional.of(new DataVersion(writes.get(), changes.get())) : Optional.empty();
    }

    /**
     * A point in the data's history.
     *
     * @param writes  committed write transactions (and {@link #dataChanged()} calls) so far
     * @param changes those of them that did more than append new messages; while it stays the
     *                same, what was read before is still there, unchanged, and only followed
     *                by new rows
     */
    public record DataVersion(long writes, long changes) {
    }

    /**
     * Transaction totals, as counted by the request-transaction filter.
     *
     * @param begun           request transactions begun
     * @param committed       request transactions committed
     * @param rolledBack      request transactions rolled back (or lost with a failed commit)
     * @param databaseCommits commits of the database that made written request transactions
     *                        durable: one each, or one per group with group commit
     */
    public record TransactionCounts(long begun, long committed, long rolledBack, long databaseCommits) {
    }

    private static DatabaseLocation location(Config db) {
        DatabaseLocation location = DatabaseLocation.of(db.get("connection.url").asString()
                .orElseThrow(() -> new EngineException("db.connection.url is not set")));
        String source = db.get("source").asString().orElse("jdbc");
        if (!source.equals("jdbc")) {
            throw new EngineException("unknown db.source '" + source + "': this service speaks JDBC (db.source: jdbc)");
        }
        return location;
    }

    private static ConnectionPool startPool(Config db, DatabaseLocation location) {
        try {
            return ConnectionPool.start(db.get("connection"));
        } catch (RuntimeException e) {
            throw new EngineException("cannot open the database at " + location.masked() + ": " + rootMessage(e), e);
        }
    }

    private static GroupCommitSettings groupCommit(Config groupCommit) {
        try {
            return GroupCommitSettings.from(groupCommit);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException("bad db.group-commit: " + e.getMessage(), e);
        }
    }

    // SQLite creates the database file but not its directory; a fresh volume or checkout has none.
    private static void createDirectory(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new EngineException("cannot create the database directory " + parent
                                              + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
