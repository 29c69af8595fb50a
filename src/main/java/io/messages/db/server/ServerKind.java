package io.messages.db.server;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.messages.db.ConnectionPool;
import io.messages.db.DatabaseConfig;
import io.messages.db.DatabaseLocation;
import io.messages.db.Storage;
import io.messages.db.StorageKind;
import io.messages.db.TransactionCounters;
import io.messages.tracing.Tracing;

/**
 * A database server (PostgreSQL): nothing to make before connecting, connections made when
 * needed, and migrations that must not queue for locks or run without bound.
 */
public record ServerKind() implements StorageKind {

    @Override
    public void beforeOpening(Config db, DatabaseLocation location) {
    }

    // CloudNativePG backs the cluster up and restores it (docs/postgresql.md).
    @Override
    public String restore(Config db, DatabaseLocation location, Optional<String> name) {
        throw new IllegalStateException("restore brings a SQLite file back; " + location.masked()
                                                + " is a server, restored by its operator (docs/postgresql.md)");
    }

    // Connections made when needed, none kept idle (see the config file).
    @Override
    public Map<String, String> poolDefaults() {
        return Map.of("minimumIdle", "0");
    }

    @Override
    public boolean opensConnectionsWhileShort() {
        return false;
    }

    // A migration queued behind a long transaction would hold up every write queued behind it.
    @Override
    public Optional<String> migrationSession(Duration lockTimeout, Duration statementTimeout) {
        return Optional.of("SET lock_timeout = " + lockTimeout.toMillis()
                                   + "; SET statement_timeout = " + statementTimeout.toMillis());
    }

    @Override
    public Storage storage(DatabaseConfig settings, ConnectionPool pool, DbClient client, TransactionCounters counters,
                           Tracing tracing) {
        return new ServerStorage(settings.location());
    }
}
