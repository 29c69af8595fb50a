package io.messages.app;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.messages.db.Engine;
import io.messages.ops.ConnectionDrain;

/**
 * A running service: its web server, its database engine, the drain that lets it stop without
 * cutting requests, and how long it keeps serving once asked to stop.
 *
 * @param server     the web server
 * @param engine     the database engine, closed once the server has stopped
 * @param drain      the connection drain installed in its routing
 * @param drainDelay how long it keeps accepting and serving after {@link #stop()} began
 *                   ({@code messages.drain-delay})
 */
public record Service(WebServer server, Engine engine, ConnectionDrain drain, Duration drainDelay) {

    /** The public HTTP port. */
    public int port() {
        return server.port();
    }

    /**
     * Stops gracefully. First readiness goes DOWN and every response asks its client to close
     * the connection, while the service keeps accepting and serving for the drain delay: in
     * Kubernetes a stopping pod still receives new connections until every node has dropped it
     * from the Service (seconds), and they must not be refused. Then it stops accepting, lets
     * in-flight requests finish (within {@code server.shutdown-grace-period}) and closes the
     * database.
     */
    public void stop() {
        drain.start();
        try {
            Thread.sleep(drainDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        engine.close();
    }

    // "auto": 5 s in Kubernetes (where the kubelet sets KUBERNETES_SERVICE_HOST in every pod),
    // long enough for the Service's endpoints to drop a stopping pod; none elsewhere.
    static Duration drainDelay(Config delay) {
        String value = delay.asString().orElse("auto");
        if (value.equals("auto")) {
            return System.getenv("KUBERNETES_SERVICE_HOST") != null ? Duration.ofSeconds(5) : Duration.ZERO;
        }
        try {
            Duration duration = Duration.parse(value);
            if (!duration.isNegative()) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw new StartupException("messages.drain-delay must be auto or a duration such as PT5S, not '" + value + "'");
    }
}
