package io.messages.db;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;

/**
 * HikariCP's settings from the {@code db.connection} node, read exactly as Helidon's Hikari
 * provider reads them ({@code url}, {@code username}, {@code password}, every other key a
 * HikariCP property), whatever the spelling environment variables give the keys.
 */
final class PoolSettings {
    private static final Map<String, String> HIKARI_NAMES = hikariNames();

    private PoolSettings() {
    }

    static HikariConfig of(Map<String, String> values, Map<String, String> defaults) {
        Properties properties = new Properties();
        values.forEach((key, value) -> {
            if (!key.equals("url") && !key.equals("username") && !key.equals("password") && !key.startsWith("helidon.")) {
                String name = hikariName(key);
                // Spelled differently from HikariCP's name, it came from an environment variable,
                // which overrides the file.
                if (!properties.containsKey(name) || !key.equals(name)) {
                    properties.setProperty(name, value);
                }
            }
        });
        // The database kind's (StorageKind), under what the config says.
        defaults.forEach(properties::putIfAbsent);
        // Meters are tagged with it: one name, not HikariCP's generated one.
        properties.putIfAbsent("poolName", "messages");
        HikariConfig config = new HikariConfig(properties);
        config.setJdbcUrl(values.getOrDefault("url", ""));
        config.setUsername(values.get("username"));
        config.setPassword(values.get("password"));
        return config;
    }

    // HikariCP's spelling of a property: environment variables reach the config in lower case
    // (DB_CONNECTION_MAXIMUMPOOLSIZE is db.connection.maximumpoolsize), and HikariCP would refuse
    // them. Driver properties (dataSource.*) keep their own spelling.
    private static String hikariName(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.startsWith("datasource.")) {
            return "dataSource." + key.substring("datasource.".length());
        }
        return HIKARI_NAMES.getOrDefault(lower, key);
    }

    private static Map<String, String> hikariNames() {
        Map<String, String> names = new HashMap<>();
        for (Method method : HikariConfig.class.getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1) {
                String name = Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4);
                names.put(name.toLowerCase(Locale.ROOT), name);
            }
        }
        return Map.copyOf(names);
    }
}
