package io.messages.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import io.messages.app.Service;
import io.messages.db.sqlite.Backups;
import io.messages.db.sqlite.SqliteStorage;

/** A SQLite database file read directly, with no service in between: after the process is gone. */
public final class SqliteFile {
    private SqliteFile() {
    }

    /** The backups {@code service} takes of its SQLite file (it must take them). */
    public static Backups backups(Service service) {
        return ((SqliteStorage) service.engine().storage()).backups().orElseThrow();
    }

    /** What {@code PRAGMA integrity_check} says of {@code db}: {@code ok} when it is sound. */
    public static String integrityCheck(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
            result.next();
            return result.getString(1);
        }
    }

    /** Every stored message value. */
    public static Set<String> values(Path db) throws SQLException {
        Set<String> values = new HashSet<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT value FROM messages")) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /**
     * Runs {@code chattr flag file} ({@code +i}: the file or directory turns immutable, even to
     * root, so that SQLite can neither write nor open it for writing; {@code -i}: back).
     *
     * @return whether it did (false where the file system has no such attribute)
     */
    public static boolean chattr(String flag, Path file) {
        try {
            Process process = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
