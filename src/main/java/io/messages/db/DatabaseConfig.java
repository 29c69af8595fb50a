package io.messages.db;

import io.helidon.config.Config;
import io.messages.db.sqlite.GroupCommitSettings;

/**
 * The engine's settings, from the {@code db} config, checked before anything is opened.
 *
 * @param location          where the data lives ({@code db.connection.url})
 * @param kind              what kind of database that is, decided once from there
 * @param migrations        how the schema is kept ({@code db.migrations})
 * @param groupCommit       whether and how SQLite writes share commits ({@code db.group-commit})
 * @param busyTimeoutMillis how long a SQLite writer waits for the write turn
 *                          ({@code db.connection.dataSource.busy_timeout})
 */
public record DatabaseConfig(DatabaseLocation location, StorageKind kind, Migrations migrations, GroupCommitSettings groupCommit,
                      long busyTimeoutMillis) {

    /**
     * Reads the {@code db} node.
     *
     * @throws EngineException with one line saying what is wrong
     */
    static DatabaseConfig from(Config db) {
        DatabaseLocation location = DatabaseLocation.of(db.get("connection.url").asString()
                .orElseThrow(() -> new EngineException("db.connection.url is not set")));
        String source = db.get("source").asString().orElse("jdbc");
        if (!source.equals("jdbc")) {
            throw new EngineException("unknown db.source '" + source + "': this service speaks JDBC (db.source: jdbc)");
        }
        GroupCommitSettings groupCommit;
        try {
            groupCommit = GroupCommitSettings.from(db.get("group-commit"));
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException("bad db.group-commit: " + e.getMessage(), e);
        }
        return new DatabaseConfig(location, StorageKind.of(location), Migrations.from(db.get("migrations")), groupCommit,
                                  db.get("connection.dataSource.busy_timeout").asLong().orElse(5000L));
    }
}
