package io.messages.ops;

import java.nio.file.Files;
import java.nio.file.Path;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

import org.jspecify.annotations.Nullable;

/**
 * Readiness of a SQLite database file: it exists where it was opened and it and its directory
 * are writable. A query alone cannot see these faults: open connections keep working on a file
 * that was moved or deleted, while new connections and the next WAL file could not be created.
 */
final class DatabaseFileCheck implements HealthCheck {
    private final Path file;

    DatabaseFileCheck(Path file) {
        this.file = file.toAbsolutePath();
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
        String problem = problem();
        return HealthCheckResponse.builder()
                .status(problem == null)
                .detail("file", file.toString())
                .update(it -> {
                    if (problem != null) {
                        it.detail("problem", problem);
                    }
                })
                .build();
    }

    private @Nullable String problem() {
        if (!Files.isRegularFile(file)) {
            return "the database file is missing";
        }
        if (!Files.isWritable(file)) {
            return "the database file is not writable";
        }
        if (!Files.isWritable(file.getParent())) {
            return "the database directory is not writable";
        }
        return null;
    }
}
