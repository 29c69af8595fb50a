package io.messages.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

import org.jspecify.annotations.Nullable;

/**
 * Reads outside any request's transaction ({@link Engine#read}), each row handed to a
 * {@link RowVisitor} straight from JDBC, traced as the database client's own statements are. A
 * read takes a pooled connection in a transaction of its own, {@value #FETCH_ROWS} rows a fetch,
 * on a few platform threads (preempted, unlike a request's virtual thread, so the carriers stay
 * free). A {@linkplain Read#small small} read takes the lane: one connection outside the pool,
 * each statement prepared and planned once (the storage's {@link Storage#laneSession}), run in
 * auto-commit, one read at a time, ended past the connection's network timeout by a
 * {@link ReadWatchdog}; a lane connection that fails is made again at the next read. Why both:
 * docs/design.md, "Reads".
 */
final class Reads implements AutoCloseable {
    /** Most rows a small read takes: without a cursor the driver may hold them all. */
    static final int MAX_SMALL_ROWS = 20_000;
    private static final int FETCH_ROWS = 1000;

    private final ConnectionPool pool;
    private final DbStatements statements;
    private final Tracing tracing;
    private final String databaseKind;
    private final int snapshotIsolation;
    private final Optional<String> laneSession;
    private final ThreadPoolExecutor readers;
    // The lane; guarded by this.
    private @Nullable Connection lane;
    // Ends a lane read past the lane connection's network timeout (taken over from the driver).
    private @Nullable ReadWatchdog watchdog;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    Reads(ConnectionPool pool, DbStatements statements, Tracing tracing, Storage storage) {
        this.pool = pool;
        this.statements = statements;
        this.tracing = tracing;
        this.databaseKind = storage.location().kind();
        this.snapshotIsolation = storage.snapshotIsolation();
        this.laneSession = storage.laneSession();
        int threads = Math.max(1, Math.min(pool.size() - 2, Runtime.getRuntime().availableProcessors()));
        this.readers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                                              Thread.ofPlatform().name("messages-reader-", 1).daemon().factory());
        readers.allowCoreThreadTimeOut(true);
    }

    boolean read(Read read, RowVisitor visitor) {
        String names = read.queries().stream().map(Query::statement).collect(Collectors.joining(", "));
        List<String> sql = read.queries().stream().map(query -> statements.statement(query.statement())).toList();
        Optional<Span> span = tracing.tracer().map(tracer -> StatementTracing.span(tracer, names, databaseKind, "QUERY",
                                                                                  String.join(";\n", sql)));
        try {
            return read.small()
                    ? inLane(names, sql.getFirst(), read.queries().getFirst().parameters(), visitor)
                    : onReader(names, sql, read.queries(), visitor);
        } catch (RuntimeException | Error e) {
            span.ifPresent(s -> s.recordException(e).setStatus(StatusCode.ERROR));
            throw e;
        } finally {
            span.ifPresent(Span::end);
        }
    }

    private boolean onReader(String names, List<String> sql, List<Query> queries, RowVisitor visitor) {
        try {
            return readers.submit(() -> inTransaction(names, sql, queries, visitor)).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while reading " + names, e);
        } catch (RejectedExecutionException e) {
            throw new DatabaseUnavailableException("the database engine is closed", e);
        }
    }

    private boolean inTransaction(String names, List<String> sql, List<Query> queries, RowVisitor visitor) {
        try (Connection connection = pool.connection()) {
            connection.setAutoCommit(false);
            if (queries.size() > 1) {
                connection.setTransactionIsolation(snapshotIsolation);
            }
            try {
                boolean all = true;
                for (int q = 0; all && q < queries.size(); q++) {
                    try (PreparedStatement statement = connection.prepareStatement(sql.get(q))) {
                        statement.setFetchSize(FETCH_ROWS);
                        all = rows(statement, queries.get(q).parameters(), visitor) >= 0;
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
            throw new DbClientException("reading " + names + " failed: " + e.getMessage(), e);
        }
    }

    private synchronized boolean inLane(String name, String sql, List<Object> parameters, RowVisitor visitor) {
        pool.refuseWhileUnreachable();
        try {
            PreparedStatement statement = prepared(name, sql);
            ReadWatchdog watch = Objects.requireNonNull(watchdog);
            ReadWatchdog.Reading read = watch.started(statement.getConnection());
            long taken;
            try {
                taken = rows(statement, parameters, visitor);
            } finally {
                if (!watch.ended(read)) {
                    // Found past its timeout: its connection is being aborted, so the next read makes another.
                    closeLane();
                }
            }
            // As many as the cap: there may have been more.
            return taken >= 0 && taken < MAX_SMALL_ROWS;
        } catch (SQLException e) {
            pool.failed(e);
            closeLane();
            throw new DbClientException("reading " + name + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeLane();
            throw e;
        }
    }

    private PreparedStatement prepared(String name, String sql) throws SQLException {
        PreparedStatement statement = prepared.get(name);
        if (statement == null) {
            if (lane == null) {
                lane = pool.connectAlone(made -> {
                    if (laneSession.isPresent()) {
                        try (Statement settings = made.createStatement()) {
                            settings.execute(laneSession.get());
                        }
                    }
                    watchdog = ReadWatchdog.takeOver(made);
                    return made;
                });
            }
            statement = lane.prepareStatement(sql);
            statement.setMaxRows(MAX_SMALL_ROWS);
            prepared.put(name, statement);
        }
        return statement;
    }

    // Binds the parameters, runs the statement and gives its rows to the visitor until it stops or
    // the rows end: how many rows it took, or -1 if it stopped early.
    private static long rows(PreparedStatement statement, List<?> parameters, RowVisitor visitor) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
        long taken = 0;
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                if (!visitor.row(rows.getLong(1), rows.getBytes(2))) {
                    return -1;
                }
                taken++;
            }
        }
        return taken;
    }

    private synchronized void closeLane() {
        prepared.clear();
        if (lane != null) {
            try {
                lane.close();
            } catch (SQLException e) {
                // it is being dropped anyway
            }
            lane = null;
        }
    }

    @Override
    public void close() {
        readers.shutdownNow();
        closeLane();
    }
}
