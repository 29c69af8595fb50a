package io.messages.testing;

import java.util.Map;

import io.helidon.config.Config;

/** The databases every behaviour suite runs on. */
public enum TestDatabase {
    SQLITE,
    POSTGRES;

    /** Config for a new, empty database of this kind, with {@code overrides} on top. */
    public Config config(Map<String, String> overrides) {
        if (this == SQLITE) {
            return TestConfig.sqlite(TestConfig.tempDir().resolve("messages.db"), overrides);
        }
        return TestConfig.postgres(EmbeddedPostgresServer.newDatabase(), overrides);
    }

    /** Config for a new, empty database of this kind. */
    public Config config() {
        return config(Map.of());
    }
}
