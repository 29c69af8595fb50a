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

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The service on one {@link TestDatabase}, for a Helidon {@code @ServerTest} or {@code @RoutingTest}
 * class: its {@code @SetUpServer} configures the server as production does ({@link #server}), its
 * {@code @SetUpRoute} the public socket and the production routing
 * ({@link #routing(ListenerConfig.Builder, HttpRouting.Builder)}; {@link #routing(HttpRouting.Builder)}
 * for a {@code @RoutingTest}), and the tests read the
 * database and the connections behind it. Registered as an extension of the class
 * ({@code @RegisterExtension static final}), it is handed to test and {@code @BeforeEach}
 * methods that take a {@code TestService}, and its database engine is closed after the class.
 */
public final class TestService implements AfterAllCallback, ParameterResolver, AutoCloseable {
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

    /** The service on a new, empty database of this kind. */
    public static TestService on(TestDatabase database) {
        return on(database, Map.of());
    }

    /** The service on a new, empty database of this kind, with config {@code overrides} (flat keys). */
    public static TestService on(TestDatabase database, Map<String, String> overrides) {
        return new TestService(database, database.config(overrides));
    }

    /**
     * Configures Helidon's server builder as {@link Main#webServer(Config, Connections)} does, but
     * for the public socket's connection handling, which {@link #routing(ListenerConfig.Builder,
     * HttpRouting.Builder)} sets on the socket's builder ({@link StrictHttp1#serverWide} says why).
     */
    public void server(WebServerConfig.Builder server) {
        StrictHttp1.serverWide(server, config.get("server"), connections);
    }

    /** Adds the production routing ({@link Main#routing(HttpRouting.Builder, Config, Engine)}). */
    public void routing(HttpRouting.Builder routing) {
        Main.routing(routing, config, engine);
    }

    /**
     * Configures the public socket as production does and adds the production routing: for a
     * {@code @ServerTest}'s {@code @SetUpRoute}, whose socket builder Helidon copies over the
     * server's default socket.
     */
    public void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        socket(socket);
        routing(routing);
    }

    /** Configures the public socket's builder, which Helidon copies over the server's default socket. */
    void socket(ListenerConfig.Builder socket) {
        StrictHttp1.socket(socket, config.get("server"), connections);
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

    /** Closes the database engine; the server is stopped by Helidon's extension. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestService.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return this;
    }
}
