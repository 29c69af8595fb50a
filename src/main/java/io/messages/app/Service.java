package io.messages.app;

import io.helidon.webserver.WebServer;
import io.messages.ops.ConnectionDrain;

/**
 * A running service: its web server and the drain that lets it stop without cutting requests.
 *
 * @param server the web server
 * @param drain  the connection drain installed in its routing
 */
public record Service(WebServer server, ConnectionDrain drain) {

    /** The public HTTP port. */
    public int port() {
        return server.port();
    }

    /**
     * Stops gracefully: clients are asked to close their connections, in-flight requests finish
     * (within {@code server.shutdown-grace-period}), then the database is closed.
     */
    public void stop() {
        drain.start();
        server.stop();
    }
}
