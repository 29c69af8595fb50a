package io.messages.db;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.messages.db.server.ServerKind;
import io.messages.db.sqlite.SqliteKind;
import io.messages.tracing.Tracing;

/**
 * A kind of database, known from its URL before anything is opened and decided there, once
 * ({@link #of}): what must exist before its pool connects, its pool's defaults, how its
 * migrations' sessions begin, and the {@link Storage} it is once open. Nothing else asks which
 * database it runs on.
 */
public interface StorageKind {

    /**
     * The kind of the database at {@code location}.
     *
     * @param location where the data lives
     * @return a SQLite file's kind, or a database server's
     */
    static StorageKind of(DatabaseLocation location) {
        return location.singleWriter() ? new SqliteKind() : new ServerKind();
    }

    /**
     * Makes ready, or refuses, what the pool is about to open ({@code db} is the {@code db} node).
     *
     * @throws EngineException with one line saying why it must not be opened
     */
    void beforeOpening(Config db, DatabaseLocation location);

    /**
     * Brings the database back from its backups ({@code messages.jar restore}): the backup named
     * {@code name}, or the newest good one; what was done, one line.
     *
     * @throws IllegalStateException if this service does not back this kind of database up
     */
    String restore(Config db, DatabaseLocation location, Optional<String> name);

    /** HikariCP properties this kind needs unless {@code db.connection} sets them. */
    Map<String, String> poolDefaults();

    /**
     * Completes the pool's settings, as read from {@code db.connection}, with what this kind
     * derives from them. Every connection the service makes gets them, in the pool and outside it
     * ({@link ConnectionSetUp#likeThePool}).
     */
    void completePool(HikariConfig pool);

    /** How the pool's connections commit: confirmed, and bounded where the server does not time a commit. */
    CommitBound commitBound(HikariConfig pool);

    /**
     * Whether a request opens a connection of its own while the pool is short of them (cheap to
     * open, nothing to wait for), rather than waiting for the pool in slices behind the breaker.
     */
    boolean opensConnectionsWhileShort();

    /** The statements each migration's session begins with, given the {@code db.migrations} timeouts. */
    Optional<String> migrationSession(Duration lockTimeout, Duration statementTimeout);

    /**
     * The storage of the database {@code settings} locates, over {@code pool}.
     */
    Storage storage(DatabaseConfig settings, ConnectionPool pool, DbClient client, TransactionCounters counters,
                    Tracing tracing);
}
