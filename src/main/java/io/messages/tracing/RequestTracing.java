package io.messages.tracing;

import java.util.Optional;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.messages.http.ClientAddress;
import io.messages.http.RequestId;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import org.jspecify.annotations.Nullable;

/**
 * A span per request ({@code GET /record}, kind SERVER), continuing the caller's trace when the
 * request carries a W3C {@code traceparent}. It is the current span while the request is handled,
 * so the statements' and the commit's spans are its children. It ends when the response is sent,
 * with {@code http.response.status_code}, status ERROR for a 5xx, and
 * {@code messages.transaction} (committed, rolled_back) set by the transaction. Its context is
 * in the request's context ({@link #traceId(ServerRequest)}), for the log line of a failure.
 */
public final class RequestTracing implements Filter {
    // The W3C propagator asks for its headers by name only (keys() is deprecated, and not needed).
    private static final TextMapGetter<RoutingRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable RoutingRequest req, String key) {
            return req == null ? null : req.headers().first(HeaderNames.create(key)).orElse(null);
        }
    };

    private final Tracing tracing;
    private final Tracer tracer;
    private final Set<String> routes;

    private RequestTracing(Tracing tracing, Tracer tracer, Set<String> routes) {
        this.tracing = tracing;
        this.tracer = tracer;
        this.routes = Set.copyOf(routes);
    }

    /**
     * The filter that traces requests into {@code tracing}, if it is on, naming the routes in
     * {@code routes} (others are {@code unmatched}, as in the metrics). It owns {@code tracing} for the
     * server's life: the spans still buffered are exported when the server stops.
     *
     * @return the filter to add first to the routing, or empty when tracing is off
     */
    public static Optional<Filter> of(Tracing tracing, Set<String> routes) {
        return tracing.tracer().map(tracer -> new RequestTracing(tracing, tracer, routes));
    }

    @Override
    public void afterStop() {
        tracing.close();
    }

    /**
     * The trace id of {@code req}, when it is traced.
     *
     * @param req a request
     * @return its trace id, or empty
     */
    public static Optional<String> traceId(ServerRequest req) {
        return req.context().get(SpanContext.class).filter(SpanContext::isValid).map(SpanContext::getTraceId);
    }

    @Override
    @SuppressWarnings("try") // the scope only makes the span current
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String method = req.prologue().method().text();
        String path = req.path().path();
        String route = routes.contains(path) ? path : "unmatched";
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req, HEADERS);
        Span span = tracer.spanBuilder(method + " " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", route)
                .setAttribute("url.path", path)
                .setAttribute("url.scheme", ClientAddress.of(req).scheme())
                .setAttribute("client.address", ClientAddress.of(req).address())
                .setAttribute("http.request.header.x-request-id", RequestId.of(res))
                .startSpan();
        req.context().register(span.getSpanContext());
        res.whenSent(() -> {
            int status = res.status().code();
            span.setAttribute("http.response.status_code", status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        });
        try (Scope scope = span.makeCurrent()) {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            throw e;
        }
    }
}
