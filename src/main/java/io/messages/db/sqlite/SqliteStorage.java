package io.messages.db.sqlite;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.messages.db.CommitMark;
import io.messages.db.ConnectionPool;
import io.messages.db.DatabaseConfig;
import io.messages.db.DatabaseFailure;
import io.messages.db.DatabaseLocation;
import io.messages.db.EngineException;
import io.messages.db.Storage;
import io.messages.db.TransactionCounters;
import io.messages.db.Writes;
import io.messages.tracing.Tracing;

/**
 * A SQLite database: this instance's own file, one writer at a time (several may share a
 * commit), commits told apart by the WAL index without a query, backups taken by the service,
 * and the file's own faults checked (see {@link DatabaseFile}). An in-memory database has
 * none of the file's parts.
 */
public final class SqliteStorage implements Storage {
    private final DatabaseLocation location;
    private final Supplier<Connection> ownConnections;
    private final Optional<DatabaseFile> file;
    private final Writes writes;
    // Once the schema is there (a new file is written, so in WAL mode, by then).
    private volatile Optional<WalIndex> walIndex = Optional.empty();
    private volatile Optional<Backups> backups = Optional.empty();

    /**
     * The storage of the SQLite database {@code settings} locates, over {@code pool} (whose own
     * connections, outside it, hold the WAL index).
     */
    public SqliteStorage(DatabaseConfig settings, ConnectionPool pool, DbClient client, TransactionCounters counters,
                         Tracing tracing) {
        this.location = settings.location();
        this.ownConnections = pool.ownConnections();
        this.file = location.file().map(path -> DatabaseFile.opened(path, () -> WriteAheadLog.secure(client, location)));
        file.ifPresent(f -> pool.onFailure(failure -> {
            if (DatabaseFailure.diskFull(failure)) {
                f.writeFailedForSpace();
            }
        }));
        WriteGate gate = new WriteGate(settings.busyTimeoutMillis());
        this.writes = settings.groupCommit().enabled()
                ? new GroupCommit(gate, file, counters, tracing, settings.groupCommit())
                : new SerialWrites(gate, file);
    }

    @Override
    public DatabaseLocation location() {
        return location;
    }

    @Override
    public boolean ownsItsDatabase() {
        return true;
    }

    @Override
    public boolean commitsInIdOrder() {
        return true;
    }

    /** The backups this service takes of the file, when {@code db.backup} configures them. */
    public Optional<Backups> backups() {
        return backups;
    }

    @Override
    public List<HealthCheck> readinessChecks() {
        return file.<HealthCheck>map(DatabaseFileCheck::readiness).stream().toList();
    }

    @Override
    public List<HealthCheck> livenessChecks() {
        return file.<HealthCheck>map(DatabaseFileCheck::liveness).stream().toList();
    }

    @Override
    public Writes writes() {
        return writes;
    }

    // A SQLite transaction is one snapshot: its first read fixes what it sees.
    @Override
    public int snapshotIsolation() {
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    // Each prepared statement keeps its one plan.
    @Override
    public Optional<String> laneSession() {
        return Optional.empty();
    }

    @Override
    public CommitMark commitMark() {
        return walIndex.map(WalIndex::mark).orElse(CommitMark.UNKNOWN);
    }

    @Override
    public boolean unchangedSince(CommitMark mark) {
        Optional<WalIndex> index = walIndex;
        return index.isPresent() && index.get().unchangedSince(mark);
    }

    @Override
    public void migrated() {
        if (walIndex.isEmpty()) {
            walIndex = location.file().flatMap(path -> WalIndex.open(ownConnections, path));
        }
        file.ifPresent(DatabaseFile::noteLog);
    }

    @Override
    public void startBackups(Config backup) {
        if (file.isEmpty()) {
            return;
        }
        try {
            backups = Backups.start(backup, file.get().path());
        } catch (RuntimeException e) {
            throw new EngineException("cannot back the database up: " + e.getMessage(), e);
        }
    }

    @Override
    public void registerMeters(MeterRegistry registry, Tag pool) {
        file.ifPresent(f -> SqliteMeters.register(registry, pool, f.path(), this::backups));
    }

    @Override
    public void close() {
        backups.ifPresent(Backups::close);
        walIndex.ifPresent(WalIndex::close);
    }
}
