package io.messages.ops;

import java.util.Optional;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.messages.db.DatabaseFile;

/**
 * Readiness of a SQLite database file: the same test that writes pass before they are accepted
 * (see {@link DatabaseFile}). A query alone cannot see these faults: open connections keep
 * answering from a file that was moved or deleted.
 */
final class DatabaseFileCheck implements HealthCheck {
    private final DatabaseFile file;

    DatabaseFileCheck(DatabaseFile file) {
        this.file = file;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "database-file";
    }

    @Override
    public HealthCheckResponse call() {
        Optional<String> problem = file.problem();
        HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                .status(problem.isEmpty())
                .detail("file", file.path().toString());
        problem.ifPresent(it -> response.detail("problem", it));
        return response.build();
    }
}
