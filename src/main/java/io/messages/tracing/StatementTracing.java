package io.messages.tracing;

import io.helidon.dbclient.DbClientService;
import io.helidon.dbclient.DbClientServiceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * A span per database statement (kind CLIENT, named after the statement, e.g.
 * {@code insert-message}), a child of the request's span, with {@code db.system},
 * {@code db.operation.name} and {@code db.query.text} (the SQL with {@code ?} placeholders, never
 * the values). Added to the database client by the engine when tracing is on.
 */
public final class StatementTracing implements DbClientService {
    private final Tracer tracer;

    /** Statement spans into {@code tracer}. */
    public StatementTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        Span span = tracer.spanBuilder(context.statementName())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system", context.dbType())
                .setAttribute("db.operation.name", context.statementType().name())
                .setAttribute("db.query.text", context.statement())
                .startSpan();
        context.statementFuture().whenComplete((done, failure) -> {
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
        return context;
    }
}
