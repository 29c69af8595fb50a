package io.messages.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbStatements;
import io.messages.tracing.StatementTracing;
import io.messages.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

import org.jspecify.annotations.Nullable;

/**
 * One connection of its own, outside the pool, for small reads that run one at a time and often
 * (the listing's checks, {@link Engine#readInLane}): each statement prepared once and run in
 * auto-commit, so each is one snapshot of its own with no transaction around it. On the hot
 * path of every listing, that saves what a pooled read costs beside the query itself: the
 * checkout, the statement's parsing and planning, the begin and the commit. A connection that
 * fails is closed and made again at the next read.
 */
final class ReadLane implements AutoCloseable {
    /** Most rows a read takes: without a cursor the driver may hold them all. */
    static final int MAX_ROWS = 20_000;

    private final DatabaseBreaker.Connector connector;
    private final DatabaseBreaker breaker;
    private final DbStatements statements;
    private final Tracing tracing;
    private final String databaseKind;
    // Guarded by this.
    private @Nullable Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    ReadLane(DatabaseBreaker.Connector connector, DatabaseBreaker breaker, DbStatements statements, Tracing tracing,
             String databaseKind) {
        this.connector = connector;
        this.breaker = breaker;
        this.statements = statements;
        this.tracing = tracing;
        this.databaseKind = databaseKind;
    }

    synchronized boolean read(String statementName, RowVisitor visitor, Object... parameters) {
        breaker.check();
        String sql = statements.statement(statementName);
        Optional<Span> span = tracing.tracer().map(tracer -> StatementTracing.span(tracer, statementName, databaseKind,
                                                                                  "QUERY", sql));
        try {
            long taken = RowLoop.run(prepared(statementName, sql), Arrays.asList(parameters), visitor);
            // As many as the cap: there may have been more.
            return taken >= 0 && taken < MAX_ROWS;
        } catch (SQLException e) {
            breaker.failed(e);
            close();
            span.ifPresent(s -> s.recordException(e).setStatus(StatusCode.ERROR));
            throw new DbClientException("reading " + statementName + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            span.ifPresent(Span::end);
        }
    }

    private PreparedStatement prepared(String name, String sql) throws SQLException {
        PreparedStatement statement = prepared.get(name);
        if (statement == null) {
            if (connection == null) {
                connection = connector.connect();
            }
            statement = connection.prepareStatement(sql);
            statement.setMaxRows(MAX_ROWS);
            prepared.put(name, statement);
        }
        return statement;
    }

    @Override
    public synchronized void close() {
        prepared.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // it is being dropped anyway
            }
            connection = null;
        }
    }
}
