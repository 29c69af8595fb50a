package io.messages.db;

import java.util.Objects;
import java.util.Optional;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.messages.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

import org.jspecify.annotations.Nullable;

/**
 * The one database transaction of an HTTP request (the recipe's {@code cherrypy.request.db}).
 * The web layer's transaction filter creates it for each request and ends it right before the response's
 * first byte: a transaction that wrote commits for a 2xx or 3xx response; an exception or a
 * 4xx/5xx rolls back; one that only read just ends. It is begun lazily, on the first
 * {@link #read()} or {@link #write()}, so a request that never touches the database opens none.
 * Handlers run statements through it and never commit or roll back themselves.
 *
 * <p>How a write takes its turn depends on the database, decided once by the engine
 * ({@link Writes}): on SQLite a request that writes before it reads anything may share its
 * commit with others ({@link GroupCommit}); one that read first keeps its own transaction.
 */
public final class RequestTransaction {
    private final DbClient client;
    private final Writes writes;
    private final TransactionCounters counters;
    private final Tracing tracing;
    private final boolean dryRun;
    // What the request began: a transaction that only read, or its writing work.
    private @Nullable OwnTransaction reading;
    private @Nullable Work work;
    private boolean wrote;
    private boolean ended;

    RequestTransaction(DbClient client, Writes writes, TransactionCounters counters, Tracing tracing,
                       boolean dryRun) {
        this.client = client;
        this.writes = writes;
        this.counters = counters;
        this.tracing = tracing;
        this.dryRun = dryRun;
    }

    /** Statements that only read; begins the transaction if this is the request's first use. */
    public DbExecute read() {
        ensureNotEnded();
        if (work == null) {
            reading = OwnTransaction.reading(client.transaction(), counters);
            work = reading;
        }
        return work.statements();
    }

    /**
     * Statements that write. On SQLite this first waits for the single write turn (in arrival
     * order), held until the transaction ends, and checks that the database file can still take
     * writes; then it begins the transaction if needed.
     *
     * @throws DatabaseUnavailableException if the database cannot take writes now (answered as 503)
     */
    public DbExecute write() {
        ensureNotEnded();
        if (!wrote) {
            work = reading == null ? writes.join(client, counters) : writes.upgrade(reading);
            reading = null;
            wrote = true;
        }
        return Objects.requireNonNull(work).statements();
    }

    /**
     * Whether what this request does counts in the service's totals: false for a dry run, whose
     * work is never kept (see {@link Engine#begin}).
     */
    public boolean counted() {
        return !dryRun;
    }

    /** Whether {@link #write()} was called: the transaction may have changed data. */
    public boolean wrote() {
        return wrote;
    }

    /** Whether the request has begun its transaction and it has not ended yet. */
    public boolean isActive() {
        return work != null && !ended;
    }

    /**
     * Ends an active transaction: commits when {@code keep} is true (and the request is not one
     * whose work is never kept), otherwise rolls back. Nothing happens if it was never begun or
     * has already ended. Only a failed commit of written work is thrown: nothing of it was stored,
     * or, when the server did not confirm it ({@link DatabaseFailure#unconfirmed}), it may have been;
     * the response must say which.
     */
    @SuppressWarnings("try") // the scope only makes the span current
    public void end(boolean keep) {
        if (ended) {
            return;
        }
        ended = true;
        Work begun = work;
        if (begun == null) {
            return;
        }
        boolean keeps = keep && !dryRun;
        // Traced (when tracing is on) as a span of its own, commit or rollback, whose child is the
        // wait for the group's commit; the outcome goes on the request's span.
        Optional<Tracer> tracer = tracing.tracer();
        Optional<Span> request = tracer.map(t -> Span.current());
        Optional<Span> span = tracer.map(t -> t.spanBuilder(keeps ? "commit" : "rollback").startSpan());
        boolean committed = false;
        try (Scope scope = span.map(Span::makeCurrent).orElse(Scope.noop())) {
            committed = begun.end(keeps);
        } catch (RuntimeException e) {
            span.ifPresent(s -> s.recordException(e).setStatus(StatusCode.ERROR));
            throw e;
        } finally {
            span.ifPresent(Span::end);
            String outcome = committed ? "committed" : "rolled_back";
            request.ifPresent(s -> s.setAttribute("messages.transaction", outcome));
        }
    }

    private void ensureNotEnded() {
        if (ended) {
            throw new IllegalStateException("The request transaction has already ended: its response was sent");
        }
    }
}
