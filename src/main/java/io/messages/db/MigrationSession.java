package io.messages.db;

import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Sets the session of every connection the migrations open ({@link StorageKind#migrationSession})
 * as soon as it is made: Flyway's hook for it since it deprecated {@code initSql}, which logged a
 * WARNING at every start on PostgreSQL. Flyway 13.12 runs it on the connection that applies the
 * migrations too, not only on the one that takes the lock (13.0 did not):
 * {@code MigrationsTest}'s lock-timeout test fails, within its own timeout, on a Flyway that does not.
 */
final class MigrationSession implements Callback {
    private final String settings;

    MigrationSession(String settings) {
        this.settings = settings;
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.AFTER_CONNECT;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(settings);
        } catch (SQLException e) {
            throw new FlywayException("cannot set the migrations' session (" + settings + "): " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "migration session";
    }
}
