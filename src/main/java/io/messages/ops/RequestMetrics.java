package io.messages.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.http.Method;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.service.registry.Services;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Times every request into {@code http.server.requests} (Prometheus:
 * {@code http_server_requests_seconds}), tagged by method, route and status class. Routes and
 * methods outside the known sets are tagged {@code unmatched} / {@code other}, so that scanners
 * probing random paths cannot grow the number of series.
 */
public final class RequestMetrics implements Filter {
    private static final String NAME = "http.server.requests";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};

    private final Set<String> routes;
    private final MeterRegistry registry = Services.get(MeterRegistry.class);
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    /**
     * A filter that times requests, naming the routes in {@code routes} and no others.
     *
     * @param routes  the paths served, e.g. {@code /} and {@code /record}
     */
    public RequestMetrics(Set<String> routes) {
        this.routes = Set.copyOf(routes);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        Method method = req.prologue().method();
        String path = req.path().path();
        // whenSent also fires for responses written by the error handlers.
        res.whenSent(() -> timer(METHODS.contains(method.text()) ? method.text() : "other",
                                 routes.contains(path) ? path : "unmatched",
                                 res.status().code() / 100 + "xx")
                .record(Duration.ofNanos(System.nanoTime() - start)));
        chain.proceed();
    }

    private Timer timer(String method, String route, String status) {
        return timers.computeIfAbsent(List.of(method, route, status), key -> registry.getOrCreate(
                Timer.builder(NAME)
                        .description("HTTP requests served, by method, route and status class")
                        .tags(List.of(Tag.create("method", method), Tag.create("route", route),
                                      Tag.create("status", status)))
                        .buckets(BUCKETS)));
    }
}
