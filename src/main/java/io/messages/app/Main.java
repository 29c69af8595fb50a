package io.messages.app;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.messages.db.Engine;
import io.messages.db.TransactionFilter;
import io.messages.http.CloseWhenAsked;
import io.messages.http.StrictHttp1;
import io.messages.message.MessageLimits;
import io.messages.message.MessageService;
import io.messages.message.MessageStore;
import io.messages.ops.ConnectionDrain;
import io.messages.ops.Observability;
import io.messages.ops.RequestMetrics;

/**
 * The service: config, then the database engine, then routing and observability, then the web
 * server.
 */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Starts the service with {@code config/application.yaml} (or the file named by
     * {@code -Dmessages.config} / {@code MESSAGES_CONFIG}) and stops it gracefully on SIGTERM. If
     * it cannot start, prints one line saying why and exits with status 2. With the argument
     * {@code migrate}, applies the database's pending schema migrations and exits instead: 0 when
     * the schema is at the newest version, 2 with one line saying why not.
     *
     * @param args nothing, or {@code migrate}
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        if (args.length > 1 || args.length == 1 && !args[0].equals("migrate")) {
            System.err.println("messages: usage: java -jar messages.jar [migrate]");
            System.exit(2);
            return;
        }
        Service service;
        try {
            if (args.length == 1) {
                System.out.println("messages: schema at version " + Engine.migrate(AppConfig.load().get("db")));
                System.exit(0);
                return;
            }
            service = start(AppConfig.load());
        } catch (RuntimeException e) {
            System.err.println("messages: cannot " + (args.length == 1 ? "migrate" : "start") + ": "
                                       + StartupFailure.describe(e));
            System.exit(2);
            return;
        }
        GracefulStop.onSignals(service);
    }

    /**
     * Opens the engine from {@code db}, then starts the web server from {@code server}; the engine
     * is closed when the server stops.
     *
     * @param config the whole config
     * @return the running service
     */
    public static Service start(Config config) {
        MessageLimits limits = MessageLimits.from(config.get("messages"));
        Engine engine = Engine.open(config.get("db"));
        ConnectionDrain drain = new ConnectionDrain();
        try {
            WebServer server = webServer(config.get("server"))
                    .addFeature(Observability.feature(config.get("server.features.observe"), engine, drain))
                    .routing(routing -> routing(routing, engine, limits, drain))
                    .build()
                    .start();
            logStarted(server, config, engine);
            return new Service(server, drain, drainDelay(config.get("messages.drain-delay")));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * The web server as configured by {@code server}, its public socket speaking strict HTTP/1.1
     * ({@link StrictHttp1}).
     *
     * @param server the {@code server} config node
     * @return the builder, for routing and features to be added
     */
    public static WebServerConfig.Builder webServer(Config server) {
        WebServerConfig.Builder builder = WebServer.builder().config(server);
        StrictHttp1.apply(builder, server);
        return builder;
    }

    /**
     * The routes of the service, each request timed and in its own transaction of {@code engine}.
     *
     * @param routing the routing to set up
     * @param engine  the database engine, closed when the server stops
     * @param limits  what a message may be
     * @param drain   the drain used when the service stops
     */
    public static void routing(HttpRouting.Builder routing, Engine engine, MessageLimits limits, ConnectionDrain drain) {
        routing.addFilter(new CloseWhenAsked())
                .addFilter(new RequestMetrics(MessageService.ROUTES))
                .addFilter(drain)
                .addFilter(new TransactionFilter(engine))
                .register("/", new MessageService(new MessageStore(), limits));
        ErrorResponses.register(routing);
    }

    // "auto": 5 s in Kubernetes (where the kubelet sets KUBERNETES_SERVICE_HOST in every pod),
    // long enough for the Service's endpoints to drop a stopping pod; none elsewhere.
    private static Duration drainDelay(Config delay) {
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

    private static void logStarted(WebServer server, Config config, Engine engine) {
        String opsSocket = config.get("server.features.observe.sockets").asList(String.class)
                .orElse(List.of(WebServer.DEFAULT_SOCKET_NAME)).getFirst();
        LOGGER.log(System.Logger.Level.INFO,
                   "messages: serving http://localhost:{0,number,#}/ (health and metrics at http://localhost:{1,number,#}"
                           + "/observe), database {2} {3}; ready {4,number,#} ms after JVM start",
                   server.port(), server.port(opsSocket), engine.location().kind(), engine.location().masked(),
                   ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
