package io.messages.db;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;
import io.messages.tracing.StatementTracing;
import io.messages.tracing.Tracing;

/**
 * The database engine (the recipe's engine plugin): a Helidon {@link DbClient} over the
 * service's connection pool, built from the {@code db} config when the service starts, with the
 * schema migrated, and closed when it stops. It begins request transactions and runs reads
 * outside them ({@link Reads}); what differs by database is its {@link Storage}, made by the
 * {@link StorageKind} its URL names.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Engine.class.getName());

    private final DbClient client;
    private final ConnectionPool pool;
    private final Storage storage;
    private final DatabaseConfig settings;
    private final Reads reads;
    private final TransactionCounters counters = new TransactionCounters(true);
    private final Tracing tracing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String schemaVersion = "0";

    private Engine(Config db, DatabaseConfig settings, ConnectionPool pool, Tracing tracing) {
        this.pool = pool;
        this.tracing = tracing;
        this.settings = settings;
        DbStatements statements = DbStatements.create(db.get("statements"));
        // Helidon's JDBC client over our pool; statements by name from db.statements, as DbClient.create does.
        JdbcClientBuilder builder = JdbcClientBuilder.create().connectionPool(pool).statements(statements);
        tracing.tracer().ifPresent(tracer -> builder.addService(new StatementTracing(tracer)));
        this.client = builder.build();
        this.storage = settings.kind().storage(settings, pool, client, counters, tracing);
        this.reads = new Reads(pool, statements, tracing, storage);
    }

    /** Opens the database {@code db} describes, traced into {@code tracing}, its schema migrated; or throws {@link EngineException}. */
    public static Engine open(Config db, Tracing tracing) {
        Engine engine = connect(db, tracing);
        engine.migrateSchema();
        return engine;
    }

    /** {@link #open(Config, Tracing)} without traces. */
    public static Engine open(Config db) {
        return open(db, Tracing.off());
    }

    /** Opens the database as {@link #open(Config, Tracing)} does, its schema left to {@link #migrateSchema()}. */
    public static Engine connect(Config db, Tracing tracing) {
        DatabaseConfig settings = DatabaseConfig.from(db);
        ConnectionPool pool = openPool(db, settings);
        try {
            return new Engine(db, settings, pool, tracing);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Brings the schema to the newest version ({@link Migrations}); if it cannot, closes the engine and throws. */
    public void migrateSchema() {
        try {
            schemaVersion = settings.migrations().apply(pool, settings);
            storage.migrated();
        } catch (RuntimeException e) {
            close();
            throw e instanceof EngineException ? e : new EngineException("cannot migrate the schema of "
                    + storage.location().masked() + ": " + DatabaseFailure.rootMessage(e), e);
        }
    }

    /** Migrates the database {@code db} describes and closes it ({@code messages.jar migrate}); the version now. */
    public static String migrate(Config db) {
        DatabaseConfig settings = DatabaseConfig.from(db);
        try (ConnectionPool pool = openPool(db, settings)) {
            return settings.migrations().applyNow(pool, settings);
        }
    }

    private static ConnectionPool openPool(Config db, DatabaseConfig settings) {
        settings.kind().beforeOpening(db, settings.location());
        return ConnectionPool.open(db.get("connection"), settings);
    }

    /** A new request's transaction; a {@code dryRun} keeps nothing whatever it answers and counts in no total. */
    public RequestTransaction begin(boolean dryRun) {
        return new RequestTransaction(client, storage.writes(), dryRun ? TransactionCounters.NONE : counters, tracing, dryRun);
    }

    /**
     * Runs {@code read} outside any request's transaction, its rows given to {@code visitor}
     * straight from JDBC ({@link Reads}); false if the visitor stopped early, or a small read had
     * more rows than it takes.
     */
    public boolean read(Read read, RowVisitor visitor) {
        return reads.read(read, visitor);
    }

    /** Registers the meters of the engine's parts, each by its owner, tagged with the pool's name. */
    public void registerMeters() {
        MeterRegistry registry = Services.get(MeterRegistry.class);
        Tag tag = Tag.create("pool", pool.name());
        counters.registerMeters(registry, tag);
        pool.registerMeters(registry, tag);
        storage.writes().registerMeters(registry, tag);
        storage.registerMeters(registry, tag);
        registry.getOrCreate(Gauge.builder("messages.db.schema.version", this, e -> Migrations.asNumber(e.schemaVersion))
                                     .description("Version of the database schema (the newest migration applied)")
                                     .tags(List.of(tag)));
    }

    /** The schema's version (the newest migration applied), e.g. {@code 2}. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** How many request transactions began, committed and rolled back, and the commits that made them durable. */
    public TransactionCounts counts() {
        return counters.counts();
    }

    /** The Helidon database client, for statements outside a request (health checks, tools). */
    public DbClient client() {
        return client;
    }

    /** What differs by database: where it lives, how writes take their turn, commit marks, backups, its own checks. */
    public Storage storage() {
        return storage;
    }

    /** The connection pool. */
    public ConnectionPool pool() {
        return pool;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Closes the storage's work, then the connection pool. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            storage.close();
            reads.close();
            client.close();
            LOGGER.log(System.Logger.Level.DEBUG, "Closed the database engine for {0}", storage.location().masked());
        }
    }
}
