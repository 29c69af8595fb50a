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
 * WARNING at every start on PostgreSQL.
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
