package io.messages.db;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What a JDBC URL says about where the data lives: the database kind, the SQLite file if it is
 * one, and a form of the URL that is safe to log (passwords masked).
 *
 * @param url  the JDBC URL as configured
 * @param kind the database kind, e.g. {@code sqlite} or {@code postgresql}
 * @param file the SQLite database file, absent for in-memory and server databases
 */
public record DatabaseLocation(String url, String kind, Optional<Path> file) {
    private static final String SQLITE_PREFIX = "jdbc:sqlite:";
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@]*:)[^/@]*@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");

    /**
     * Reads a JDBC URL.
     *
     * @param url a JDBC URL such as {@code jdbc:sqlite:data/messages.db}
     * @return its location
     */
    public static DatabaseLocation of(String url) {
        if (url.startsWith(SQLITE_PREFIX)) {
            return new DatabaseLocation(url, "sqlite", Optional.ofNullable(sqliteFile(url.substring(SQLITE_PREFIX.length()))));
        }
        String[] parts = url.split(":", 3);
        String kind = parts.length > 1 && parts[0].equals("jdbc") ? parts[1] : "unknown";
        return new DatabaseLocation(url, kind, Optional.empty());
    }

    /** Whether only one transaction at a time may write (SQLite). */
    public boolean singleWriter() {
        return kind.equals("sqlite");
    }

    /** The URL with any password replaced by {@code ***}, for logs. */
    public String masked() {
        String masked = USER_INFO_PASSWORD.matcher(url).replaceAll("$1***@");
        return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1***");
    }

    private static @Nullable Path sqliteFile(String location) {
        int query = location.indexOf('?');
        String path = query >= 0 ? location.substring(0, query) : location;
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        }
        if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
            return null;
        }
        return Path.of(path);
    }
}
