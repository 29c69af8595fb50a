package io.messages.db.server;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.messages.db.CommitBound;
import io.messages.db.ConnectionPool;
import io.messages.db.DatabaseConfig;
import io.messages.db.DatabaseLocation;
import io.messages.db.Storage;
import io.messages.db.StorageKind;
import io.messages.db.TransactionCounters;
import io.messages.tracing.Tracing;

import org.postgresql.PGConnection;

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

    // A statement the server still runs once the driver gave up waiting for it (socketTimeout)
    // stays behind there, for nobody: a backend waiting for a lock, or working, until it ends.
    // Requests that keep timing out pile such backends up to max_connections (LockedTableTest:
    // twelve more each wave of twelve requests), and the driver's timeout reads as a lost
    // connection, so every pooled one is retired. So the server ends each statement first, at five
    // sixths of socketTimeout (25 s of 30), answering query_canceled (57014: 503) on a connection
    // still good. (Not a COMMIT, which PostgreSQL does not time: commitBound, below.) Before any
    // connectionInitSql configured, which may set its own; the migrations set theirs
    // (MigrationSession). No socketTimeout, no bound.
    @Override
    public void completePool(HikariConfig pool) {
        long millis = statementBoundMillis(pool);
        if (millis == 0) {
            return;
        }
        String bound = "SET statement_timeout = " + millis;
        String configured = pool.getConnectionInitSql();
        pool.setConnectionInitSql(configured == null || configured.isBlank() ? bound : bound + "; " + configured);
    }

    // A COMMIT, which PostgreSQL does not time, at the same bound: cancelled with the driver's own
    // cancel request, which needs no connection slot of the server's (CommitBound).
    @Override
    public CommitBound commitBound(HikariConfig pool) {
        return CommitBound.of(Duration.ofMillis(statementBoundMillis(pool)), ServerKind::cancel);
    }

    private static void cancel(Connection connection) {
        try {
            connection.unwrap(PGConnection.class).cancelQuery();
        } catch (SQLException e) {
            throw new DbClientException("the cancel request failed: " + e.getMessage(), e);
        }
    }

    // Five sixths of socketTimeout, in the milliseconds statement_timeout takes up to
    // Integer.MAX_VALUE (24 days); 0 for none.
    private static long statementBoundMillis(HikariConfig pool) {
        long socketSeconds = socketTimeoutSeconds(pool);
        if (socketSeconds <= 0) {
            return 0;
        }
        return socketSeconds >= Integer.MAX_VALUE / 1000 ? Integer.MAX_VALUE : socketSeconds * 1000 * 5 / 6;
    }

    // pgjdbc's socketTimeout as the driver takes it: the URL's parameter over the driver's
    // properties; whole seconds, 0 for none (what it cannot read, the driver refuses itself).
    private static long socketTimeoutSeconds(HikariConfig pool) {
        String value = pool.getDataSourceProperties().getProperty("socketTimeout");
        String url = pool.getJdbcUrl() == null ? "" : pool.getJdbcUrl();
        int query = url.indexOf('?');
        if (query >= 0) {
            for (String parameter : url.substring(query + 1).split("&")) {
                if (parameter.startsWith("socketTimeout=")) {
                    value = parameter.substring("socketTimeout=".length());
                }
            }
        }
        try {
            return value == null ? 0 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
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
