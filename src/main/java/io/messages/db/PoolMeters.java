package io.messages.db;

import java.util.List;
import java.util.function.ToDoubleFunction;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The connection pool's meters, read at scrape time: {@code messages_db_connections_retired_total},
 * {@code messages_db_breaker_open} (1 while the database cannot be reached and requests are
 * refused at once), {@code messages_db_breaker_opened_total} and
 * {@code messages_db_pool_connections{state}}.
 */
final class PoolMeters {
    private PoolMeters() {
    }

    static void register(ConnectionPool connections, MeterRegistry registry, Tag pool) {
        registry.getOrCreate(FunctionalCounter.builder("messages.db.connections.retired", connections, ConnectionPool::retired)
                                     .description("Pooled connections retired because a commit, rollback or savepoint "
                                                          + "failed on them or their server went away")
                                     .tags(List.of(pool)));
        registry.getOrCreate(Gauge.builder("messages.db.breaker.open", connections, p -> p.unreachable() ? 1 : 0)
                                     .description("1 while the database cannot be reached and requests needing it are "
                                                          + "refused at once (503), 0 otherwise")
                                     .tags(List.of(pool)));
        registry.getOrCreate(FunctionalCounter.builder("messages.db.breaker.opened", connections, ConnectionPool::outages)
                                     .description("Times the database could not be reached and the breaker opened")
                                     .tags(List.of(pool)));
        state(connections, registry, pool, "active", HikariPoolMXBean::getActiveConnections);
        state(connections, registry, pool, "idle", HikariPoolMXBean::getIdleConnections);
        state(connections, registry, pool, "pending", HikariPoolMXBean::getThreadsAwaitingConnection);
        state(connections, registry, pool, "total", HikariPoolMXBean::getTotalConnections);
    }

    private static void state(ConnectionPool connections, MeterRegistry registry, Tag pool, String state,
                              ToDoubleFunction<HikariPoolMXBean> figure) {
        registry.getOrCreate(Gauge.builder("messages.db.pool.connections", connections, p -> figure(p, figure))
                                     .description("Connections of the database pool, by state")
                                     .tags(List.of(pool, Tag.create("state", state))));
    }

    // A closed pool has no bean: no value rather than a failed scrape.
    private static double figure(ConnectionPool connections, ToDoubleFunction<HikariPoolMXBean> figure) {
        try {
            return connections.isClosed() ? Double.NaN : figure.applyAsDouble(connections.figures());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
