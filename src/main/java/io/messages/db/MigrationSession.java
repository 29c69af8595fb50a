package io.messages.db;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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
 * <p>
 * It also lets the driver wait for an answer as long as the migrations' statement timeout allows,
 * and a minute more, so that the server's own cancel comes first. A request's connection gives
 * up on a silent server after {@code socketTimeout} (30 s); a migration's statement, building an
 * index on a large table, may run for minutes, and at 30 s it would fail at every start.
 */
final class MigrationSession implements Callback {
    private static final Duration CANCEL_FIRST = Duration.ofMinutes(1);

    private final String settings;
    private final int networkTimeoutMillis;

    /**
     * @param settings         the statement setting the session
     * @param statementTimeout the longest a migration's statement may run (under a millisecond: no
     *                         limit, as the session's statement_timeout of 0 says, and then no
     *                         limit on waiting for an answer either)
     */
    MigrationSession(String settings, Duration statementTimeout) {
        this.settings = settings;
        this.networkTimeoutMillis = statementTimeout.toMillis() == 0 ? 0
                : Math.toIntExact(Math.min(Integer.MAX_VALUE, statementTimeout.plus(CANCEL_FIRST).toMillis()));
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
            // The driver runs nothing on the executor it is given for this: the timeout is its socket's.
            context.getConnection().setNetworkTimeout(Runnable::run, networkTimeoutMillis);
        } catch (SQLException e) {
            throw new FlywayException("cannot set the migrations' session (" + settings + "): " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "migration session";
    }
}
