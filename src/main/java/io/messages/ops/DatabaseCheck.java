package io.messages.ops;

import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.messages.db.Engine;

/**
 * Readiness check {@code database}: the database answers the {@code ping} statement
 * ({@code db.statements.ping}), as Helidon's {@code DbClientHealthCheck} did.
 *
 * <p>What its answer means depends on whose database it is, decided once: SQLite, the pod's own
 * file, is DOWN when the ping fails (the pod cannot serve; another pod might). A server database
 * shared by every replica (PostgreSQL) is always UP, with {@code reachable} in its data: taking
 * every replica out of the Service would turn fast, clear {@code 503}s into refused connections
 * and gateway errors (docs/design.md, "DatabaseCheck").
 */
final class DatabaseCheck implements HealthCheck {
    private final DbClient client;
    private final boolean ownDatabase;

    private DatabaseCheck(DbClient client, boolean ownDatabase) {
        this.client = client;
        this.ownDatabase = ownDatabase;
    }

    /** The check for {@code engine}'s database. */
    static DatabaseCheck of(Engine engine) {
        return new DatabaseCheck(engine.client(), engine.storage().ownsItsDatabase());
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            client.execute().namedQuery("ping").forEach(row -> { });
            return HealthCheckResponse.builder().status(true).detail("reachable", true).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.builder()
                    .status(!ownDatabase)
                    .detail("reachable", false)
                    .detail("problem", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
