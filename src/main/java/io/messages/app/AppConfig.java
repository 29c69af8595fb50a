package io.messages.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Where the service's config comes from: the YAML file, under environment variables and system
 * properties that override any of its keys.
 */
public final class AppConfig {
    /** System property naming the config file. */
    public static final String FILE_PROPERTY = "messages.config";
    /** Environment variable naming the config file, when the system property is not set. */
    public static final String FILE_ENV = "MESSAGES_CONFIG";
    /** The config file used when neither names one. */
    public static final Path DEFAULT_FILE = Path.of("config", "application.yaml");

    private AppConfig() {
    }

    /**
     * The config of a run: the file named by {@value #FILE_PROPERTY} or {@value #FILE_ENV}, else
     * {@code config/application.yaml}.
     *
     * @return the config
     * @throws StartupException if the file cannot be read
     */
    public static Config load() {
        String named = System.getProperty(FILE_PROPERTY, System.getenv(FILE_ENV));
        return load(named == null || named.isBlank() ? DEFAULT_FILE : Path.of(named));
    }

    /**
     * The config from {@code file}, overridden by system properties (first) and environment
     * variables ({@code DB_CONNECTION_URL} for {@code db.connection.url}, Helidon's mapping).
     *
     * @param file the YAML file
     * @return the config
     * @throws StartupException if the file cannot be read
     */
    public static Config load(Path file) {
        if (!Files.isReadable(file)) {
            throw new StartupException("cannot read the config file " + file.toAbsolutePath()
                                               + " (name another with -D" + FILE_PROPERTY + " or " + FILE_ENV + ")");
        }
        return Config.builder()
                .sources(ConfigSources.systemProperties(),
                         ConfigSources.environmentVariables(),
                         ConfigSources.file(file))
                .build();
    }

    /** {@code config} with {@code overrides} (flat keys) on top. */
    static Config withOverrides(Config config, Map<String, String> overrides) {
        return Config.builder()
                .sources(ConfigSources.create(overrides), ConfigSources.create(config))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }
}
