package io.messages.testing;

import java.util.function.Consumer;

import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.messages.app.Main;
import io.messages.db.Engine;
import io.messages.message.MessageLimits;
import io.messages.ops.ConnectionDrain;

/** Sets up a {@code @ServerTest} server with the production routing on a fresh SQLite file. */
public final class TestServer {
    private TestServer() {
    }

    /**
     * Configures {@code server} like production, on a new SQLite database.
     *
     * @return the engine behind it, for assertions on the stored rows
     */
    public static Engine serve(WebServerConfig.Builder server) {
        return serve(server, TestConfig.sqlite(), routing -> { });
    }

    /**
     * Configures {@code server} from {@code config} with the production routing, then
     * {@code extraRoutes} (test-only routes behind the same filters).
     *
     * @return the engine behind it
     */
    public static Engine serve(WebServerConfig.Builder server, Config config, Consumer<HttpRouting.Builder> extraRoutes) {
        Engine engine = Engine.open(config.get("db"));
        MessageLimits limits = MessageLimits.from(config.get("messages"));
        server.config(config.get("server")).routing(routing -> {
            Main.routing(routing, engine, limits, new ConnectionDrain());
            extraRoutes.accept(routing);
        });
        return engine;
    }
}
