package io.messages.app;

import java.time.Duration;

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
}
