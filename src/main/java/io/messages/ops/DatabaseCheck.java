package io.messages.ops;

import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.messages.db.Engine;

/**
 * Readiness check {@code database}: the database answers the {@code ping} statement
 * ({@code db.statements.ping}), as Helidon's {@code DbClientHealthCheck} did before 4.5.0, which
 * no longer publishes it.
 *
 * <p>What its answer means depends on whose database it is, decided once:
 * <ul>
 *     <li>SQLite, the pod's own file: DOWN when the ping fails. The pod cannot serve; another
 *     pod might.</li>
 *     <li>A server database shared by every replica (PostgreSQL): always UP, with
 *     {@code reachable} in its data. When the shared database is down, every replica is
 *     equally unable to serve; taking them all out of the Service would turn fast, clear
 *     {@code 503}s (the service refuses at once while the database cannot be reached) into
 *     refused connections and gateway errors, and a disruption budget would then block node
 *     drains.</li>
 * </ul>
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
        return new DatabaseCheck(engine.client(), engine.location().singleWriter());
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
