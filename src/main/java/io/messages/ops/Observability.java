package io.messages.ops;

import java.time.Duration;

import io.helidon.common.config.Config;
import io.helidon.dbclient.health.DbClientHealthCheck;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.messages.db.Engine;

/**
 * Helidon's observe feature for this service: health under {@code /observe/health} (liveness
 * does not depend on the database being reachable, readiness does) and Prometheus metrics under
 * {@code /observe/metrics}, on the sockets named in {@code server.features.observe.sockets}
 * (the {@code admin} socket by default, so the public port never exposes them).
 */
public final class Observability {
    private Observability() {
    }

    /**
     * The observe feature, configured from {@code observe}, with the database's readiness checks
     * and meters.
     *
     * @param observe the {@code server.features.observe} config node
     * @param engine  the database engine
     * @param drain   the drain that starts when the service stops (readiness is then DOWN)
     * @param readiness more readiness checks (the warm-up's)
     * @return the feature to add to the web server
     */
    public static ObserveFeature feature(Config observe, Engine engine, ConnectionDrain drain, HealthCheck... readiness) {
        DatabaseMetrics.register(engine);
        // Helidon's check reports itself as a liveness check; as such a database outage would
        // make Kubernetes restart a healthy pod. It is readiness here.
        HealthObserverConfig.Builder health = HealthObserver.builder()
                .details(true)
                .useSystemServices(false)
                .addCheck(DbClientHealthCheck.builder(engine.client())
                                  .name("database")
                                  .query()
                                  .statementName("ping")
                                  .timeout(Duration.ofSeconds(2))
                                  .build(),
                          HealthCheckType.READINESS);
        engine.file().ifPresent(file -> health.addCheck(DatabaseFileCheck.readiness(file))
                .addCheck(DatabaseFileCheck.liveness(file)));
        // A stopping service says so first, so that load balancers move clients away.
        health.addCheck(() -> HealthCheckResponse.builder().status(!drain.isDraining()).build(), HealthCheckType.READINESS,
                        "stopping");
        for (HealthCheck check : readiness) {
            health.addCheck(check);
        }
        return ObserveFeature.builder()
                .config(observe)
                .addObserver(health.build())
                .build();
    }
}
