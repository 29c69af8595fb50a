package io.messages.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbStatements;
import io.messages.tracing.StatementTracing;
import io.messages.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * Queries read alone ({@link Engine#readAlone}): each read (one query, or several in one
 * snapshot) in a transaction of its own, on a pooled connection taken for that one read, its rows
 * handed to a {@link RowVisitor} straight from JDBC, {@value #FETCH_ROWS} at a time (on PostgreSQL
 * a cursor: the driver never holds the whole result).
 *
 * <p>The rows are read on a few platform threads of their own, in arrival order, one query a
 * thread, at most all but two of the pool's connections at once and at most one a processor. A
 * virtual thread is not preempted; these threads are, so the carriers stay free for requests
 * (docs/design.md, "ShortReads").
 */
final class ShortReads implements AutoCloseable {
    private static final int FETCH_ROWS = 1000;

    private final ConnectionPool pool;
    private final DbStatements statements;
    private final Tracing tracing;
    private final String databaseKind;
    private final ThreadPoolExecutor readers;
    private final int snapshotIsolation;

    ShortReads(ConnectionPool pool, DbStatements statements, Tracing tracing, String databaseKind,
               int snapshotIsolation) {
        this.pool = pool;
        this.snapshotIsolation = snapshotIsolation;
        this.statements = statements;
        this.tracing = tracing;
        this.databaseKind = databaseKind;
        int threads = Math.max(1, Math.min(pool.size() - 2, Runtime.getRuntime().availableProcessors()));
        this.readers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                                              Thread.ofPlatform().name("messages-reader-", 1).daemon().factory());
        readers.allowCoreThreadTimeOut(true);
    }

    boolean read(RowVisitor visitor, List<Query> queries) {
        String names = queries.stream().map(Query::statement).collect(Collectors.joining(", "));
        List<String> sql = queries.stream().map(query -> statements.statement(query.statement())).toList();
        // A CLIENT span like the database client's own statement spans (tracing/StatementTracing).
        Optional<Span> span = tracing.tracer().map(tracer -> StatementTracing.span(tracer, names, databaseKind, "QUERY",
                                                                                  String.join(";\n", sql)));
        try {
            return readers.submit(() -> readNow(names, sql, queries, visitor)).get();
        } catch (ExecutionException e) {
            span.ifPresent(s -> s.recordException(e.getCause()).setStatus(StatusCode.ERROR));
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while reading " + names, e);
        } catch (RejectedExecutionException e) {
            throw new DatabaseUnavailableException("the database engine is closed", e);
        } finally {
            span.ifPresent(Span::end);
        }
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }

    private boolean readNow(String names, List<String> sql, List<Query> queries, RowVisitor visitor) {
        try (Connection connection = pool.connection()) {
            connection.setAutoCommit(false);
            if (queries.size() > 1) {
                connection.setTransactionIsolation(snapshotIsolation);
            }
            try {
                boolean all = true;
                for (int q = 0; all && q < queries.size(); q++) {
                    all = read(connection, sql.get(q), queries.get(q).parameters(), visitor);
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
            throw new DbClientException("reading " + names + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean read(Connection connection, String sql, List<Object> parameters, RowVisitor visitor)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(FETCH_ROWS);
            return RowLoop.run(statement, parameters, visitor) >= 0;
        }
    }
}
