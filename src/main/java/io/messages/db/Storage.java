package io.messages.db;

import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.messages.tracing.Tracing;

/**
 * What differs between a SQLite file and a database server, decided once when the engine is
 * built: how writes take their turn, the isolation of reads that span statements, whether
 * commits can be proven unchanged without a query, backups, and the checks and meters of the
 * storage itself. Everything else gets the right implementation and asks it questions named for
 * what they mean; no request asks which database it runs on.
 */
public abstract sealed class Storage implements AutoCloseable permits SqliteStorage, ServerStorage {
    private final DatabaseLocation location;

    Storage(DatabaseLocation location) {
        this.location = location;
    }

    // The storage for the database at settings.location(), over pool.
    static Storage of(DatabaseConfig settings, ConnectionPool pool, DbClient client, TransactionCounters counters,
                      Tracing tracing) {
        return settings.location().singleWriter()
                ? new SqliteStorage(settings, pool, client, counters, tracing)
                : new ServerStorage(settings.location());
    }

    /** Where the data lives, as configured. */
    public DatabaseLocation location() {
        return location;
    }

    /**
     * Whether the database is this instance's own (a SQLite file on its volume): when it fails,
     * this instance cannot serve. A server shared by every instance failing is no instance's
     * fault, and none of them is made unready for it.
     */
    public abstract boolean ownsItsDatabase();

    /**
     * Whether messages become visible in the order of their ids (one writer at a time): then
     * what is new since a listing is what comes after its last id. On a server, transactions
     * commit in any order.
     */
    public abstract boolean commitsInIdOrder();

    /** The backups of the database taken by this service (SQLite's, when configured). */
    public abstract Optional<Backups> backups();

    /** Readiness checks of the storage beyond the database's answer to a query (none on a server). */
    public abstract List<HealthCheck> readinessChecks();

    /** Liveness checks of the storage: faults only a restart recovers from (none on a server). */
    public abstract List<HealthCheck> livenessChecks();

    /** How a request's writes take their turn. */
    abstract Writes writes();

    /** The isolation at which one transaction reading several statements sees one snapshot. */
    abstract int snapshotIsolation();

    /** A mark of where commits stand now, read without a transaction (see {@link Engine#commitMark}). */
    abstract CommitMark commitMark();

    /** Whether nothing was committed since {@code mark}, by any connection of any process. */
    abstract boolean unchangedSince(CommitMark mark);

    /** The schema is in place: what needs it can start. */
    abstract void migrated();

    /** Starts the backups {@code backup} (the {@code db.backup} node) configures. */
    abstract void startBackups(Config backup);

    /** Registers the storage's own meters, tagged with {@code pool}. */
    abstract void registerMeters(MeterRegistry registry, Tag pool);

    @Override
    public abstract void close();
}
