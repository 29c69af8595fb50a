package io.messages.ops;

import java.util.List;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;

/**
 * Readiness as a meter, {@code messages_ready{check}}: 1 while the check is UP, 0 while it is
 * DOWN, one series per readiness check (database, database-file, stopping, warm-up), evaluated
 * at scrape time. The kubelet's probe result never reaches Prometheus by itself; with this an
 * alert can say which check keeps a pod out of its Service.
 */
final class ReadinessMetrics {
    private ReadinessMetrics() {
    }

    static void register(String pool, List<HealthCheck> checks) {
        for (HealthCheck check : checks) {
            Services.get(MeterRegistry.class).getOrCreate(
                    Gauge.builder("messages.ready", check, ReadinessMetrics::up)
                            .description("1 while the readiness check is UP, 0 while it is DOWN")
                            .tags(List.of(Tag.create("pool", pool), Tag.create("check", check.name()))));
        }
    }

    private static double up(HealthCheck check) {
        try {
            return check.call().status() == HealthCheckResponse.Status.UP ? 1 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
