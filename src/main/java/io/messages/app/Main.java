package io.messages.app;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.messages.db.Engine;
import io.messages.db.TransactionFilter;
import io.messages.message.MessageLimits;
import io.messages.message.MessageService;
import io.messages.message.MessageStore;

/**
 * The service: config, then the database engine, then routing, then the web server.
 */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Starts the service with {@code config/application.yaml} (or the file named by
     * {@code -Dmessages.config} / {@code MESSAGES_CONFIG}). If it cannot start, prints one line
     * saying why and exits with status 2.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        try {
            start(AppConfig.load());
        } catch (RuntimeException e) {
            System.err.println("messages: cannot start: " + StartupFailure.describe(e));
            System.exit(2);
        }
    }

    /**
     * Opens the engine from {@code db}, then starts the web server from {@code server}; the engine
     * is closed when the server stops.
     *
     * @param config the whole config
     * @return the running server
     */
    public static WebServer start(Config config) {
        long started = System.nanoTime();
        MessageLimits limits = MessageLimits.from(config.get("messages"));
        Engine engine = Engine.open(config.get("db"));
        try {
            WebServer server = WebServer.builder()
                    .config(config.get("server"))
                    .routing(routing -> routing(routing, engine, limits))
                    .build()
                    .start();
            LOGGER.log(System.Logger.Level.INFO, "messages: serving http://localhost:{0,number,#} on {1}, started in {2,number,#} ms",
                       server.port(), engine.url(), (System.nanoTime() - started) / 1_000_000);
            return server;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * The routes of the service, each request in its own transaction of {@code engine}.
     *
     * @param routing the routing to set up
     * @param engine  the database engine, closed when the server stops
     * @param limits  what a message may be
     */
    public static void routing(HttpRouting.Builder routing, Engine engine, MessageLimits limits) {
        routing.addFilter(new TransactionFilter(engine))
                .register("/", new MessageService(new MessageStore(), limits));
        ErrorResponses.register(routing);
    }
}
