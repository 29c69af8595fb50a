package io.messages.db.sqlite;

import java.util.Optional;
import java.util.function.Function;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Health of a SQLite database file (see {@link DatabaseFile}); a query alone cannot see these
 * faults, since open connections keep answering from a file that was moved or deleted.
 * Readiness: the file can take writes and the disk is not full; both recover by themselves.
 * Liveness: the file can still be trusted in this process at all; when its write-ahead log was
 * lost, only a restart recovers, so Kubernetes is asked for one.
 */
final class DatabaseFileCheck implements HealthCheck {
    private final DatabaseFile file;
    private final HealthCheckType type;
    private final Function<DatabaseFile, Optional<String>> problem;

    private DatabaseFileCheck(DatabaseFile file, HealthCheckType type, Function<DatabaseFile, Optional<String>> problem) {
        this.file = file;
        this.type = type;
        this.problem = problem;
    }

    static DatabaseFileCheck readiness(DatabaseFile file) {
        return new DatabaseFileCheck(file, HealthCheckType.READINESS, DatabaseFile::readinessProblem);
    }

    static DatabaseFileCheck liveness(DatabaseFile file) {
        return new DatabaseFileCheck(file, HealthCheckType.LIVENESS, DatabaseFile::lost);
    }

    @Override
    public HealthCheckType type() {
        return type;
    }

    @Override
    public String name() {
        return "database-file";
    }

    @Override
    public HealthCheckResponse call() {
        Optional<String> found = problem.apply(file);
        HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                .status(found.isEmpty())
                .detail("file", file.path().toString());
        found.ifPresent(it -> response.detail("problem", it));
        return response.build();
    }
}
