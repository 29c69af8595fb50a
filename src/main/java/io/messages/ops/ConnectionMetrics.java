package io.messages.ops;

import java.util.List;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;
import io.messages.http.Connections;

/**
 * Meters of the public port's connections, read at scrape time: {@code messages_connections_open},
 * {@code messages_connections_max} (the cap), {@code messages_connections_closed_total{reason}}
 * (closed by the service: silent, idle, slow-request, send-stalled, evicted, refused). Tagged with the
 * pool's name like the database meters, so that several services in one JVM (tests) keep apart.
 */
final class ConnectionMetrics {
    private ConnectionMetrics() {
    }

    static void register(Connections connections, String pool) {
        MeterRegistry registry = Services.get(MeterRegistry.class);
        Tag tag = Tag.create("pool", pool);
        registry.getOrCreate(Gauge.builder("messages.connections.open", connections, Connections::open)
                                     .description("Open connections on the public port")
                                     .tags(List.of(tag)));
        registry.getOrCreate(Gauge.builder("messages.connections.max", connections, c -> c.limits().max())
                                     .description("Most open connections the public port keeps (messages.connections.max)")
                                     .tags(List.of(tag)));
        for (String reason : connections.closed().keySet()) {
            registry.getOrCreate(FunctionalCounter.builder("messages.connections.closed", connections,
                                                           c -> c.closed().get(reason))
                                         .description("Connections the service closed, by why")
                                         .tags(List.of(tag, Tag.create("reason", reason))));
        }
    }
}
