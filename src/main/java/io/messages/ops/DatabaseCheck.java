package io.messages.ops;

import io.helidon.dbclient.DbClient;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: the database answers the {@code ping} statement ({@code db.statements.ping}). What
 * Helidon's {@code DbClientHealthCheck} did before 4.5.0, which no longer publishes it: a named
 * query, UP when it returns, DOWN with the reason when it fails. A database that cannot be
 * reached answers only after the pool's {@code connectionTimeout}.
 */
final class DatabaseCheck implements HealthCheck {
    private final DbClient client;

    DatabaseCheck(DbClient client) {
        this.client = client;
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
            return HealthCheckResponse.builder().status(true).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.builder()
                    .status(false)
                    .detail("problem", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
