package io.messages.db.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.messages.db.CommitBound;
import io.messages.db.ConnectionPool;
import io.messages.db.DatabaseConfig;
import io.messages.db.DatabaseLocation;
import io.messages.db.EngineException;
import io.messages.db.Storage;
import io.messages.db.StorageKind;
import io.messages.db.TransactionCounters;
import io.messages.db.sqlite.backup.OffsiteCopies;
import io.messages.db.sqlite.backup.Restore;
import io.messages.tracing.Tracing;

/**
 * A SQLite database: a file this instance opens itself, in a directory that may not exist yet,
 * with connections that take about a millisecond to open and no server to lose.
 */
public record SqliteKind() implements StorageKind {

    /**
     * Refuses to start on a missing file while object storage holds backups of it (a lost volume
     * started empty would back up nothing and prune the good copies); then creates the file's
     * directory: SQLite creates the file but not its directory, and a fresh volume has none.
     */
    @Override
    public void beforeOpening(Config db, DatabaseLocation location) {
        location.file().ifPresent(path -> {
            OffsiteCopies.refuseEmptyStart(db.get("backup"), path);
            createDirectory(path);
        });
    }

    @Override
    public String restore(Config db, DatabaseLocation location, Optional<String> name) {
        Path file = location.file().orElseThrow(() -> new IllegalStateException(
                "restore brings a SQLite file back; " + location.masked() + " is in memory"));
        return Restore.run(db.get("backup"), file, name);
    }

    @Override
    public Map<String, String> poolDefaults() {
        return Map.of();
    }

    // SQLite's statements run in this process: nothing of one outlives its caller's wait.
    @Override
    public void completePool(HikariConfig pool) {
    }

    // A commit is the file's own: written and synced, no wait on another server to cancel.
    @Override
    public CommitBound commitBound(HikariConfig pool) {
        return CommitBound.none();
    }

    @Override
    public boolean opensConnectionsWhileShort() {
        return true;
    }

    // A SQLite writer waits for its turn by busy_timeout (db.connection), not lock_timeout.
    @Override
    public Optional<String> migrationSession(Duration lockTimeout, Duration statementTimeout) {
        return Optional.empty();
    }

    @Override
    public Storage storage(DatabaseConfig settings, ConnectionPool pool, DbClient client, TransactionCounters counters,
                           Tracing tracing) {
        return new SqliteStorage(settings, pool, client, counters, tracing);
    }

    private static void createDirectory(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new EngineException("cannot create the database directory " + parent
                                              + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
