package io.messages.db.server;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.messages.db.CommitMark;
import io.messages.db.DatabaseLocation;
import io.messages.db.Storage;
import io.messages.db.Writes;

/**
 * A database server (PostgreSQL), shared by every instance: it orders concurrent writers itself,
 * is backed up by its own operator, and proves nothing about commits without a query.
 */
public final class ServerStorage implements Storage {
    private static final System.Logger LOGGER = System.getLogger(ServerStorage.class.getName());

    private final DatabaseLocation location;
    private final Writes writes = new ConcurrentWrites();

    /** The storage of the server database at {@code location}. */
    public ServerStorage(DatabaseLocation location) {
        this.location = location;
    }

    @Override
    public DatabaseLocation location() {
        return location;
    }

    @Override
    public boolean ownsItsDatabase() {
        return false;
    }

    @Override
    public boolean commitsInIdOrder() {
        return false;
    }

    @Override
    public List<HealthCheck> readinessChecks() {
        return List.of();
    }

    @Override
    public List<HealthCheck> livenessChecks() {
        return List.of();
    }

    @Override
    public Writes writes() {
        return writes;
    }

    // Read committed, the server's default, takes a new snapshot for every statement.
    @Override
    public int snapshotIsolation() {
        return Connection.TRANSACTION_REPEATABLE_READ;
    }

    // The check's statement is prepared once, but once the table has statistics PostgreSQL plans
    // it again at each run (a custom plan for the snapshot given: exact estimates, the same index
    // scan), which about doubles the server's CPU per check (docs/performance.md).
    @Override
    public Optional<String> laneSession() {
        return Optional.of("SET plan_cache_mode = force_generic_plan");
    }

    @Override
    public CommitMark commitMark() {
        return CommitMark.UNKNOWN;
    }

    @Override
    public boolean unchangedSince(CommitMark mark) {
        return false;
    }

    @Override
    public void migrated() {
    }

    // CloudNativePG backs the cluster up (k8s/components/postgres-backup).
    @Override
    public void startBackups(Config backup) {
        if (!backup.get("directory").asString().orElse("").isBlank()) {
            LOGGER.log(System.Logger.Level.INFO, "db.backup is ignored: {0} is backed up by its own server",
                       location.kind());
        }
    }

    @Override
    public void registerMeters(MeterRegistry registry, Tag pool) {
    }

    @Override
    public void close() {
    }
}
