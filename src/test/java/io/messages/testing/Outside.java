package io.messages.testing;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

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
        execute(engine.storage().location().url(), engine.storage().location().singleWriter(), sql);
    }

    /**
     * Runs {@code sql} as {@link #execute} does, but from another process (a JVM of its own), as
     * an operator's {@code sqlite3} would: what it changes reaches the service only through the
     * database's files.
     */
    public static void executeInAnotherProcess(Engine engine, String sql) throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                                             "--enable-native-access=ALL-UNNAMED",
                                             "-cp", System.getProperty("java.class.path"), Outside.class.getName(),
                                             engine.storage().location().url(), String.valueOf(engine.storage().location().singleWriter()),
                                             sql)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("outside process: " + sql + ": " + output);
        }
    }

    /** The other process of {@link #executeInAnotherProcess}: url, whether SQLite, statement. */
    public static void main(String[] args) {
        execute(args[0], Boolean.parseBoolean(args[1]), args[2]);
    }

    private static void execute(String url, boolean sqlite, String sql) {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            if (sqlite) {
                // SQLite: wait for the service's writer rather than fail at once, as sqlite3's .timeout would.
                statement.execute("PRAGMA busy_timeout = 5000");
            }
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("outside: " + sql + ": " + e.getMessage(), e);
        }
    }
}
