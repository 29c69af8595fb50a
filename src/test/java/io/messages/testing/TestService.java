package io.messages.testing;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.messages.app.Main;
import io.messages.db.Engine;
import io.messages.http.Connections;
import io.messages.http.StrictHttp1;

/**
 * The service on one {@link TestDatabase}, for a Helidon {@code @ServerTest} or {@code @RoutingTest}
 * class annotated {@link OnDatabase}: {@link OnDatabaseExtension} opens it, sets up the server and
 * its public socket as production does, and hands it to the class's methods. Its
 * {@code @SetUpRoute} adds the production routing ({@link #routing}), and the tests read the
 * database and the connections behind it.
 */
public final class TestService implements AutoCloseable {
    private final TestDatabase database;
    private final Config config;
    private final Engine engine;
    private final Connections connections;

    private TestService(TestDatabase database, Config config) {
        this.database = database;
        this.config = config;
        this.engine = Engine.open(config.get("db"));
        this.connections = Main.connections(config);
    }

    /** The service on a new, empty database of this kind, with config {@code overrides} (flat keys). */
    static TestService on(TestDatabase database, Map<String, String> overrides) {
        return new TestService(database, database.config(overrides));
    }

    /** Adds the production routing ({@link Main#routing(HttpRouting.Builder, Config, Engine)}). */
    public void routing(HttpRouting.Builder routing) {
        Main.routing(routing, config, engine);
    }

    public TestDatabase database() {
        return database;
    }

    public Engine engine() {
        return engine;
    }

    /** The public port's connections, as the server configured by {@link #server} counts them. */
    public Connections connections() {
        return connections;
    }

    /**
     * Configures Helidon's server builder as {@link io.messages.http.StrictHttp1#server(Config, Connections)} does, but
     * for the public socket's connection handling, which {@link #socket} sets on the socket's
     * builder ({@link StrictHttp1#serverWide} says why).
     */
    void server(WebServerConfig.Builder server) {
        StrictHttp1.serverWide(server, config.get("server"), connections);
    }

    /** Configures the public socket's builder, which Helidon copies over the server's default socket. */
    void socket(ListenerConfig.Builder socket) {
        StrictHttp1.socket(socket, config.get("server"), connections);
    }

    /** Closes the database engine; the server is stopped by Helidon's extension. */
    @Override
    public void close() {
        engine.close();
    }
}
