package io.messages.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import io.messages.db.Engine;

/**
 * Another writer of the service's database: a connection of its own, outside the service's pool,
 * as an operator's {@code sqlite3} or {@code psql} would be (to the database, the same thing: a
 * writer the service does not know about).
 */
public final class Outside {
    private Outside() {
    }

    /** Runs {@code sql} (one statement) on the database behind {@code engine}, committed at once. */
    public static void execute(Engine engine, String sql) {
        try (Connection connection = DriverManager.getConnection(engine.location().url());
             Statement statement = connection.createStatement()) {
            if (engine.location().singleWriter()) {
                // SQLite: wait for the service's writer rather than fail at once, as sqlite3's .timeout would.
                statement.execute("PRAGMA busy_timeout = 5000");
            }
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("outside: " + sql + ": " + e.getMessage(), e);
        }
    }
}
