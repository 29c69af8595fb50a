package io.messages.ops;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.messages.http.Connections;

/**
 * Liveness: the public port still accepts connections. Helidon's listener stops for good on an
 * error from {@code accept} (no descriptor left, for one) while the admin port goes on answering;
 * without this check the pod would look alive and serve nothing until a human restarted it.
 * A stop the service was asked for (draining) is not a failure.
 */
final class PublicListenerCheck implements HealthCheck {
    private final Connections connections;
    private final ConnectionDrain drain;

    PublicListenerCheck(Connections connections, ConnectionDrain drain) {
        this.connections = connections;
        this.drain = drain;
    }

    @Override
    public String name() {
        return "public-listener";
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.LIVENESS;
    }

    @Override
    public HealthCheckResponse call() {
        if (connections.listening() || drain.isDraining()) {
            return HealthCheckResponse.builder().status(true).build();
        }
        return HealthCheckResponse.builder()
                .status(false)
                .detail("problem", "the public port stopped accepting connections" + descriptors())
                .build();
    }

    // ", open files: 20000 of 20000" where the JVM can tell.
    private static String descriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return "; open files: " + unix.getOpenFileDescriptorCount() + " of " + unix.getMaxFileDescriptorCount();
        }
        return "";
    }
}
