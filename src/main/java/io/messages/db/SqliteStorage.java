package io.messages.db;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.messages.backup.OffsiteCopies;
import io.messages.tracing.Tracing;

/**
 * A SQLite database: this instance's own file, one writer at a time (several may share a
 * commit), commits told apart by the WAL index without a query, backups taken by the service,
 * and the file's own faults checked (see {@link DatabaseFile}). An in-memory database has
 * none of the file's parts.
 */
final class SqliteStorage extends Storage {
    private final ConnectionPool pool;
    private final Optional<DatabaseFile> file;
    private final Writes writes;
    // Once the schema is there (a new file is written, so in WAL mode, by then).
    private volatile Optional<WalIndex> walIndex = Optional.empty();
    private volatile Optional<Backups> backups = Optional.empty();

    SqliteStorage(DatabaseConfig settings, ConnectionPool pool, DbClient client, TransactionCounters counters,
                  Tracing tracing) {
        super(settings.location());
        this.pool = pool;
        this.file = location().file().map(path -> DatabaseFile.opened(path, () -> WriteAheadLog.secure(client, location())));
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

    /**
     * Refuses to start on a missing file while object storage holds backups of it (a lost volume
     * started empty would back up nothing and prune the good copies): before the pool makes the file.
     */
    static void beforeOpening(Config db, DatabaseLocation location) {
        location.file().ifPresent(path -> OffsiteCopies.refuseEmptyStart(db.get("backup"), path));
    }

    @Override
    public boolean ownsItsDatabase() {
        return true;
    }

    @Override
    public boolean commitsInIdOrder() {
        return true;
    }

    @Override
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
    Writes writes() {
        return writes;
    }

    // A SQLite transaction is one snapshot: its first read fixes what it sees.
    @Override
    int snapshotIsolation() {
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    CommitMark commitMark() {
        return walIndex.map(WalIndex::mark).orElse(CommitMark.UNKNOWN);
    }

    @Override
    boolean unchangedSince(CommitMark mark) {
        Optional<WalIndex> index = walIndex;
        return index.isPresent() && index.get().unchangedSince(mark);
    }

    @Override
    void migrated() {
        if (walIndex.isEmpty()) {
            walIndex = location().file().flatMap(path -> WalIndex.open(pool, path));
        }
        file.ifPresent(DatabaseFile::noteLog);
    }

    @Override
    void startBackups(Config backup) {
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
    void registerMeters(MeterRegistry registry, Tag pool) {
        file.ifPresent(f -> SqliteMeters.register(registry, pool, f.path(), this::backups));
    }

    @Override
    public void close() {
        backups.ifPresent(Backups::close);
        walIndex.ifPresent(WalIndex::close);
    }
}
