package io.messages.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbStatements;
import io.messages.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

/**
 * Queries read alone ({@link Engine#readAlone}): each in a read-only transaction of its own, on
 * a pooled connection taken for that one query, its rows handed to a {@link RowVisitor} straight
 * from JDBC, {@value #FETCH_ROWS} at a time (on PostgreSQL a cursor: the driver never holds the
 * whole result). At most all but two of the pool's connections read this way at once, so that
 * writes, health checks and small reads always find one.
 */
final class ShortReads {
    private static final int FETCH_ROWS = 1000;

    private final ConnectionPool pool;
    private final DbStatements statements;
    private final Tracing tracing;
    private final String databaseKind;
    private final Semaphore readers;

    ShortReads(ConnectionPool pool, DbStatements statements, Tracing tracing, String databaseKind) {
        this.pool = pool;
        this.statements = statements;
        this.tracing = tracing;
        this.databaseKind = databaseKind;
        this.readers = new Semaphore(Math.max(1, pool.size() - 2), true);
    }

    boolean read(String statementName, RowVisitor visitor, Object... parameters) {
        String sql = statements.statement(statementName);
        // A CLIENT span like the database client's own statement spans (tracing/StatementTracing).
        Optional<Span> span = tracing.tracer().map(tracer -> tracer.spanBuilder(statementName)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system", databaseKind)
                .setAttribute("db.operation.name", "QUERY")
                .setAttribute("db.query.text", sql)
                .startSpan());
        try {
            readers.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            span.ifPresent(Span::end);
            throw new DatabaseUnavailableException("interrupted while waiting to read", e);
        }
        try (Connection connection = pool.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setFetchSize(FETCH_ROWS);
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                boolean all = true;
                try (ResultSet rows = statement.executeQuery()) {
                    while (all && rows.next()) {
                        all = visitor.row(rows.getLong(1), rows.getBytes(2));
                    }
                }
                connection.commit();
                return all;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            span.ifPresent(s -> s.recordException(e).setStatus(StatusCode.ERROR));
            throw new DbClientException("reading " + statementName + " failed: " + e.getMessage(), e);
        } finally {
            readers.release();
            span.ifPresent(Span::end);
        }
    }
}
