package io.messages.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.helidon.config.Config;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.messages.app.Main;
import io.messages.http.Connections;
import io.messages.db.Engine;

/**
 * Servers with the production routing, one per suite and database, started on first use and
 * stopped when the test JVM exits: so that a suite written once runs on every
 * {@link TestDatabase} without starting a server per test.
 */
public final class TestServers {
    private static final Map<String, Served> SERVED = new ConcurrentHashMap<>();

    private TestServers() {
    }

    /** A running server and what tests need to talk to it and check its database and connections. */
    public record Served(TestDatabase database, Engine engine, WebServer server, Http1Client client,
                         Connections connections) {
        public int port() {
            return server.port();
        }
    }

    /** The server of {@code suite} on {@code database}. */
    public static Served of(String suite, TestDatabase database) {
        return of(suite, database, routing -> { });
    }

    /**
     * The server of {@code suite} on {@code database}, with {@code extraRoutes} (test-only routes
     * behind the same filters) after the production ones.
     */
    public static Served of(String suite, TestDatabase database, Consumer<HttpRouting.Builder> extraRoutes) {
        return of(suite, database, Map.of(), extraRoutes);
    }

    /**
     * The server of {@code suite} on {@code database}, with config {@code overrides} (flat keys)
     * and {@code extraRoutes}.
     */
    public static Served of(String suite, TestDatabase database, Map<String, String> overrides,
                            Consumer<HttpRouting.Builder> extraRoutes) {
        return SERVED.computeIfAbsent(suite + "/" + database, key -> start(database, overrides, extraRoutes));
    }

    private static Served start(TestDatabase database, Map<String, String> overrides,
                                Consumer<HttpRouting.Builder> extraRoutes) {
        Config config = database.config(overrides);
        Engine engine = Engine.open(config.get("db"));
        Connections connections = Main.connections(config);
        WebServer server = Main.webServer(config.get("server"), connections)
                .routing(routing -> {
                    Main.routing(routing, config, engine);
                    extraRoutes.accept(routing);
                })
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        Http1Client client = Http1Client.builder().baseUri("http://localhost:" + server.port()).build();
        return new Served(database, engine, server, client, connections);
    }
}
