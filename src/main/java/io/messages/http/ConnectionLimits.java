package io.messages.http;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.config.Config;

/**
 * What one client may hold of the public port, and for how long, from {@code messages.connections}
 * and {@code server.connection-options.read-timeout}. Every limit bounds a resource an
 * unauthenticated client can take: a connection, a request in progress, a response it does not
 * read. Each limit in full, and its peer in other servers: docs/design.md, "ConnectionLimits".
 *
 * @param max          most open connections; the oldest idle ones make room for new ones
 * @param readTimeout  longest silence of a client in a request, and before a connection's first request
 * @param idleTimeout  longest a keep-alive connection may stay idle between requests
 * @param headTimeout  longest a request's head (request line and headers) may take from its first byte
 * @param bodyMinRate  bytes per second a body must arrive at, after {@code readTimeout} for its first byte
 * @param sendTimeout  longest a response may wait for its client to take the next 64 KiB of it
 */
public record ConnectionLimits(int max, Duration readTimeout, Duration idleTimeout, Duration headTimeout,
                               long bodyMinRate, Duration sendTimeout) {
    /** Most connections the admin port (health, metrics) takes; set on its socket in the config. */
    static final int ADMIN_CONNECTIONS = 32;
    // Heap an idle connection holds (Helidon's reader, writer and HTTP/1 state, its virtual
    // thread, this package's framing): measured with src/bench/run.sh's connection flood.
    static final long BYTES_PER_CONNECTION = 24 * 1024;
    // Descriptors kept for everything but client connections: the pool's database files, the
    // jars, logs, the admin port's connections.
    private static final long RESERVED_DESCRIPTORS = 256;

    public ConnectionLimits {
        if (max < 1) {
            throw new IllegalArgumentException("messages.connections.max must be auto or at least 1, not " + max);
        }
        for (Duration d : new Duration[] {readTimeout, idleTimeout, headTimeout, sendTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("connection timeouts must be positive, not " + d);
            }
        }
        if (bodyMinRate < 1) {
            throw new IllegalArgumentException("messages.connections.body-min-rate must be at least 1, not " + bodyMinRate);
        }
    }

    /**
     * Reads the limits: {@code connections} is the {@code messages.connections} node,
     * {@code server} the {@code server} node (for its read timeout).
     */
    public static ConnectionLimits from(Config connections, Config server) {
        String max = connections.get("max").asString().orElse("auto");
        return new ConnectionLimits(max.equals("auto") ? automatic() : parse(max),
                                    server.get("connection-options.read-timeout").as(Duration.class)
                                            .orElse(Duration.ofSeconds(20)),
                                    connections.get("idle-timeout").as(Duration.class).orElse(Duration.ofSeconds(65)),
                                    connections.get("head-timeout").as(Duration.class).orElse(Duration.ofSeconds(20)),
                                    connections.get("body-min-rate").asLong().orElse(500L),
                                    connections.get("send-timeout").as(Duration.class).orElse(Duration.ofSeconds(30)));
    }

    /**
     * The limits of another socket (the admin port's), from its node in {@code server.sockets}:
     * its own cap ({@code max-tcp-connections}) and idle timeout, the public port's other deadlines.
     */
    ConnectionLimits forSocket(Config socket) {
        return new ConnectionLimits(socket.get("max-tcp-connections").asInt().orElse(ADMIN_CONNECTIONS), readTimeout,
                                    socket.get("idle-connection-timeout").as(Duration.class).orElse(idleTimeout),
                                    headTimeout, bodyMinRate, sendTimeout);
    }

    /**
     * The default cap: as many idle connections as a quarter of the heap holds, and never more
     * than the process's open-file limit leaves once everything else has its descriptors, so that
     * accepting a connection can never fail for want of one (which would stop Helidon's listener
     * for good). In a pod with a 768 MiB limit (heap 576 MiB) that is about 6,000.
     */
    static int automatic() {
        long byMemory = Runtime.getRuntime().maxMemory() / 4 / BYTES_PER_CONNECTION;
        long byDescriptors = Long.MAX_VALUE;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            byDescriptors = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount()
                    - ADMIN_CONNECTIONS - RESERVED_DESCRIPTORS;
        }
        return (int) Math.max(16, Math.min(Math.min(byMemory, byDescriptors), 100_000));
    }

    /**
     * How many connections Helidon's listener accepts at all ({@code max-tcp-connections}): the
     * cap, and a few being closed to make room. Beyond it the listener does not call accept; new
     * connections wait in the kernel's backlog, holding no descriptor of this process.
     */
    int acceptLimit() {
        return max + 16;
    }

    private static int parse(String max) {
        try {
            return Integer.parseInt(max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("messages.connections.max must be auto or a whole number, not '" + max + "'");
        }
    }
}
