package io.messages.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The session of every connection the migrations open ({@link StorageKind#migrationSession}), set
 * as the connection is made, before Flyway has it: on the connection that takes Flyway's lock and
 * on the one that applies the migrations alike, whatever Flyway's version does with its own hooks
 * (its {@code initSql} is deprecated, with a WARNING at every start).
 * <p>
 * It also lets the driver wait for an answer as long as the migrations' statement timeout allows,
 * and a minute more, so that the server's own cancel comes first. A request's connection gives
 * up on a silent server after {@code socketTimeout} (30 s); a migration's statement, building an
 * index on a large table, may run for minutes, and at 30 s it would fail at every start.
 */
final class MigrationSession implements ConnectionSetUp {
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
    public Connection apply(Connection made) throws SQLException {
        try (Statement statement = made.createStatement()) {
            statement.execute(settings);
        }
        // The driver runs nothing on the executor it is given for this: the timeout is its socket's.
        made.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
        return made;
    }
}
