package io.messages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * The project's real {@code config/application.yaml}, pointed at a fresh SQLite file in a temp
 * directory and a random port, with test-specific overrides on top. Environment variables and
 * system properties of the test JVM are left out so that tests do not depend on the machine.
 */
public final class TestConfig {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private TestConfig() {
    }

    /** A new temp directory for one test's database. */
    public static Path tempDir() {
        try {
            return Files.createTempDirectory("messages-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Config for a SQLite database in a new temp directory. */
    public static Config sqlite() {
        return sqlite(tempDir().resolve("messages.db"), Map.of());
    }

    /**
     * Config for the SQLite file {@code db}, with {@code overrides} (flat keys) on top.
     */
    public static Config sqlite(Path db, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("db.connection.url", "jdbc:sqlite:" + db);
        values.putAll(overrides);
        return of(values);
    }

    /** Config for the PostgreSQL database at {@code url} as user {@code postgres}, with {@code overrides} on top. */
    public static Config postgres(String url, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>(overrides);
        values.put("db.connection.url", url);
        values.put("db.connection.username", "postgres");
        return of(values);
    }

    /**
     * The project's config with {@code values} (flat keys) on top, on random ports, with a pool
     * name of its own.
     */
    public static Config of(Map<String, String> values) {
        Map<String, String> all = new HashMap<>();
        all.put("server.port", "0");
        all.put("server.host", "localhost");
        all.put("server.sockets.0.port", "0");
        all.put("server.sockets.0.host", "localhost");
        // Tests stop servers with idle keep-alive connections open: do not wait long for them.
        all.put("server.shutdown-grace-period", "PT0.5S");
        // Not 5 s even where tests run in a Kubernetes pod.
        all.put("messages.drain-delay", "PT0S");
        // Ready at once: the warm-up has a test of its own.
        all.put("messages.warm-up.enabled", "false");
        // Pool (and JMX bean) names must be unique in the JVM; each test server has its own pool.
        all.put("db.connection.poolName", "messages-" + POOLS.incrementAndGet());
        all.putAll(values);
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(all), ConfigSources.file(Path.of("config", "application.yaml")))
                .build();
    }
}
