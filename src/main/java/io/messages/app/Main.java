package io.messages.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.messages.db.Engine;
import io.messages.db.TransactionFilter;
import io.messages.http.CloseWhenAsked;
import io.messages.http.ConnectionLimits;
import io.messages.http.Connections;
import io.messages.http.StrictHttp1;
import io.messages.message.MessageLimits;
import io.messages.message.MessageService;
import io.messages.message.MessageStore;
import io.messages.ops.AccessLog;
import io.messages.ops.ConnectionDrain;
import io.messages.ops.Observability;
import io.messages.ops.RequestMetrics;
import io.messages.ops.WarmUp;
import io.messages.tracing.RequestTracing;
import io.messages.tracing.Tracing;

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
     * the schema is at the newest version, 2 with one line saying why not. With {@code train},
     * runs the training run of the AOT cache (see the pom) and exits.
     *
     * @param args nothing, {@code migrate} or {@code train}
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        String command = args.length == 1 ? args[0] : "start";
        if (args.length > 1 || !List.of("start", "migrate", "train").contains(command)) {
            System.err.println("messages: usage: java -jar messages.jar [migrate|train]");
            System.exit(2);
            return;
        }
        Service service;
        try {
            switch (command) {
                case "migrate" -> {
                    System.out.println("messages: schema at version " + Engine.migrate(AppConfig.load().get("db")));
                    System.exit(0);
                    return;
                }
                case "train" -> {
                    train(AppConfig.load());
                    System.exit(0);
                    return;
                }
                default -> service = start(AppConfig.load());
            }
        } catch (RuntimeException e) {
            System.err.println("messages: cannot " + command + ": " + StartupFailure.describe(e));
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
        return start(config, Tracing.from(config.get("otel")));
    }

    /**
     * Starts the service as {@link #start(Config)} does, its traces going to {@code tracing}
     * (an application's own OpenTelemetry; tests) instead of what {@code otel} configures.
     *
     * @param config  the whole config
     * @param tracing where spans go; closed when the service stops
     * @return the running service
     */
    public static Service start(Config config, Tracing tracing) {
        return start(config, tracing, WarmUp.from(config.get("messages.warm-up")));
    }

    // With warmUp: it runs once the server listens, and readiness waits for it.
    private static Service start(Config config, Tracing tracing, WarmUp warmUp) {
        MessageLimits limits = MessageLimits.from(config.get("messages"));
        Engine engine = Engine.connect(config.get("db"), tracing);
        // The schema's migrations (Flyway: 200-600 ms) run while the web server is built (~150 ms
        // on another core); it starts serving only once they are done.
        FutureTask<Void> migrations = new FutureTask<>(engine::migrateSchema, null);
        Thread.ofPlatform().name("messages-migrations").start(migrations);
        ConnectionDrain drain = new ConnectionDrain();
        Connections connections = connections(config);
        try {
            WebServer built = webServer(config.get("server"), connections)
                    .addFeature(Observability.feature(config.get("server.features.observe"), engine, drain, connections,
                                                      warmUp.readiness()))
                    .routing(routing -> {
                        // Outermost, so that everything the request does is inside its span.
                        RequestTracing.of(tracing, MessageService.ROUTES, warmUp::isRehearsal).ifPresent(routing::addFilter);
                        routing.addFilter(AccessLog.from(config.get("messages.access-log")));
                        routing(routing, engine, limits, drain).addFilter(warmUp);
                    })
                    .build();
            await(migrations);
            WebServer server = built.start();
            connections.listeningOn(config.get("server.host").asString().orElse("0.0.0.0"), server.port());
            logStarted(server, config, engine);
            int adminPort = server.port(observeSocket(config));
            Thread.ofVirtual().name("messages-warm-up").start(() -> warmUp.run(server.port(), adminPort));
            return new Service(server, engine, drain, drainDelay(config.get("messages.drain-delay")));
        } catch (RuntimeException e) {
            migrations.cancel(false);
            engine.close();
            tracing.close();
            throw e;
        }
    }

    // The task's own exception, as if it had run here.
    private static void await(FutureTask<Void> task) {
        try {
            task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new StartupException("the schema's migrations failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while the schema's migrations ran", e);
        }
    }

    /**
     * The training run of the AOT cache (JDK 25, {@code -XX:AOTCacheOutput}): the service on a
     * throwaway SQLite database, warmed up for longer than at a normal start, then stopped; the
     * JVM writes the cache as it exits. {@code java -jar messages.jar train}.
     */
    private static void train(Config config) {
        Path dir;
        try {
            dir = Files.createTempDirectory("messages-training");
        } catch (IOException e) {
            throw new StartupException("cannot make a directory for the training database", e);
        }
        Config training = AppConfig.withOverrides(config, Map.of(
                "db.connection.url", "jdbc:sqlite:" + dir.resolve("training.db"),
                "server.port", "0", "server.sockets.0.port", "0", "messages.drain-delay", "PT0S"));
        WarmUp warmUp = WarmUp.from(training.get("messages.warm-up")).forTraining();
        Service service = start(training, Tracing.off(), warmUp);
        while (!warmUp.done()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        service.stop();
    }

    /**
     * The public port's connections, within {@code messages.connections} and the read timeout of
     * {@code server.connection-options}.
     *
     * @param config the whole config
     * @return the connections, for {@link #webServer}
     */
    public static Connections connections(Config config) {
        try {
            return new Connections(ConnectionLimits.from(config.get("messages.connections"), config.get("server")));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The web server as configured by {@code server}, its public socket speaking strict HTTP/1.1
     * ({@link StrictHttp1}) with its connections within {@code connections}' limits.
     *
     * @param server      the {@code server} config node
     * @param connections the public port's connections
     * @return the builder, for routing and features to be added
     */
    public static WebServerConfig.Builder webServer(Config server, Connections connections) {
        return StrictHttp1.server(server, connections);
    }

    /**
     * The routes of the service, each request timed and in its own transaction of {@code engine}.
     *
     * @param routing the routing to set up
     * @param engine  the database engine
     * @param limits  what a message may be
     * @param drain   the drain used when the service stops
     */
    public static HttpRouting.Builder routing(HttpRouting.Builder routing, Engine engine, MessageLimits limits,
                                              ConnectionDrain drain) {
        routing.addFilter(new CloseWhenAsked())
                .addFilter(new RequestMetrics(MessageService.ROUTES))
                .addFilter(drain)
                .addFilter(new TransactionFilter(engine))
                .register("/", new MessageService(new MessageStore(), limits, engine));
        ErrorResponses.register(routing);
        return routing;
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

    private static String observeSocket(Config config) {
        return config.get("server.features.observe.sockets").asList(String.class)
                .orElse(List.of(WebServer.DEFAULT_SOCKET_NAME)).getFirst();
    }

    private static void logStarted(WebServer server, Config config, Engine engine) {
        String opsSocket = observeSocket(config);
        LOGGER.log(System.Logger.Level.INFO,
                   "messages: serving http://localhost:{0,number,#}/ (health and metrics at http://localhost:{1,number,#}"
                           + "/observe), database {2} {3}; ready {4,number,#} ms after JVM start",
                   server.port(), server.port(opsSocket), engine.location().kind(), engine.location().masked(),
                   ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
