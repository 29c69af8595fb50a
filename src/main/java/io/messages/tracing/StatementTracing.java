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

    /**
     * A started CLIENT span for one statement (or several read together), with the attributes of
     * OpenTelemetry's database conventions: the one shape of every statement span, whoever runs it.
     */
    public static Span span(Tracer tracer, String name, String dbSystem, String operation, String sql) {
        return tracer.spanBuilder(name)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system", dbSystem)
                .setAttribute("db.operation.name", operation)
                .setAttribute("db.query.text", sql)
                .startSpan();
    }

    @Override
    public DbClientServiceContext statement(DbClientServiceContext context) {
        Span span = span(tracer, context.statementName(), context.dbType(), context.statementType().name(),
                         context.statement());
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
