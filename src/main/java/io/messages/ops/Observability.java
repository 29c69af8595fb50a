package io.messages.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.messages.db.Engine;
import io.messages.http.Connections;

/**
 * Helidon's observe feature for this service: health under {@code /observe/health} (liveness
 * does not depend on the database being reachable; readiness does on SQLite, the pod's own file,
 * and reports it on a shared PostgreSQL: {@link DatabaseCheck}) and Prometheus metrics under
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
     * @param connections the public port's connections (liveness: its listener accepts them)
     * @param readiness more readiness checks (the warm-up's)
     * @return the feature to add to the web server
     */
    public static ObserveFeature feature(Config observe, Engine engine, ConnectionDrain drain, Connections connections,
                                         HealthCheck... readiness) {
        engine.registerMeters();
        ConnectionMetrics.register(connections, engine.pool().name());
        // Readiness, not liveness: a database outage must not make Kubernetes restart a healthy pod.
        List<HealthCheck> ready = new ArrayList<>();
        ready.add(DatabaseCheck.of(engine));
        ready.addAll(engine.storage().readinessChecks());
        // A stopping service says so first, so that load balancers move clients away.
        ready.add(new NamedCheck("stopping", () -> HealthCheckResponse.builder().status(!drain.isDraining()).build()));
        ready.addAll(List.of(readiness));
        HealthObserverConfig.Builder health = HealthObserver.builder()
                .details(true)
                .useSystemServices(false);
        ready.forEach(check -> health.addCheck(check, HealthCheckType.READINESS));
        engine.storage().livenessChecks().forEach(health::addCheck);
        health.addCheck(new PublicListenerCheck(connections, drain));
        ReadinessMetrics.register(engine.pool().name(), ready);
        return ObserveFeature.builder()
                .config(observe)
                .addObserver(health.build())
                .build();
    }

    // A check with a name, for Helidon's health output and the readiness meter alike.
    private record NamedCheck(String name, Supplier<HealthCheckResponse> response) implements HealthCheck {
        @Override
        public HealthCheckType type() {
            return HealthCheckType.READINESS;
        }

        @Override
        public HealthCheckResponse call() {
            return response.get();
        }
    }
}
