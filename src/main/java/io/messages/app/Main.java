package io.messages.app;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRouting;
import io.messages.db.DatabaseLocation;
import io.messages.db.Engine;
import io.messages.db.StorageKind;
import io.messages.http.ClientAddress;
import io.messages.http.CloseWhenAsked;
import io.messages.http.ConnectionLimits;
import io.messages.http.Connections;
import io.messages.http.Cors;
import io.messages.http.NoSniff;
import io.messages.http.RequestId;
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
import io.messages.web.ErrorResponses;
import io.messages.web.ResponseMemory;
import io.messages.web.TransactionFilter;

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
     * runs the training run of the AOT cache (see the pom). With {@code restore [name]}, replaces
     * the SQLite database with its newest good backup, or the one named ({@link Restore}): 0, or 2
     * with one line saying why not (the database untouched).
     *
     * @param args nothing, {@code migrate}, {@code restore [name]} or {@code train}
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        String command = args.length >= 1 ? args[0] : "start";
        boolean restoreNamed = args.length == 2 && command.equals("restore");
        if ((args.length > 1 && !restoreNamed) || !List.of("start", "migrate", "restore", "train").contains(command)) {
            System.err.println("messages: usage: java -jar messages.jar [migrate|restore [name]|train]");
            System.exit(2);
            return;
        }
        try {
            if (!command.equals("start")) {
                Config config = AppConfig.load();
                String done = switch (command) {
                    case "migrate" -> "schema at version " + Engine.migrate(config.get("db"));
                    case "restore" -> restore(config, Optional.ofNullable(restoreNamed ? args[1] : null));
                    default -> Training.run(config);
                };
                System.out.println("messages: " + done);
                System.exit(0);
                return;
            }
            GracefulStop stop = GracefulStop.onSignals();
            stop.serving(start(AppConfig.load()));
        } catch (RuntimeException e) {
            System.err.println("messages: cannot " + command + ": " + StartupFailure.describe(e));
            System.exit(2);
        }
    }

    /**
     * Restores the database {@code config} names from its backups, if this service takes them
     * (SQLite's: {@link StorageKind#restore}).
     *
     * @param config the whole config
     * @param name   the backup to restore; empty: the newest good one
     * @return what was done, one line
     */
    public static String restore(Config config, Optional<String> name) {
        DatabaseLocation location = DatabaseLocation.of(config.get("db.connection.url").asString().orElse(""));
        return StorageKind.of(location).restore(config.get("db"), location, name);
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
    static Service start(Config config, Tracing tracing, WarmUp warmUp) {
        Engine engine = Engine.connect(config.get("db"), tracing);
        // The schema's migrations (Flyway: 200-600 ms) run while the web server is built (~150 ms
        // on another core); it starts serving only once they are done.
        FutureTask<Void> migrations = new FutureTask<>(engine::migrateSchema, null);
        Thread.ofPlatform().name("messages-migrations").start(migrations);
        ConnectionDrain drain = new ConnectionDrain();
        try {
            Connections connections = connections(config);
            WebServer built;
            // One server built at a time in a JVM: Helidon 4.5.0 sets up its vendor metrics in a
            // static HashMap without a lock (KeyPerformanceIndicatorMetricsImpls), and servers built
            // at once (tests, an application running several) can fail on it.
            synchronized (Main.class) {
                built = StrictHttp1.server(config.get("server"), connections)
                        .addFeature(Observability.feature(config.get("server.features.observe"), engine, drain,
                                                          connections, warmUp.readiness()))
                        .routing(routing -> routing(routing, config, engine, tracing, warmUp, drain))
                        .build();
            }
            await(migrations);
            engine.storage().startBackups(config.get("db.backup"));
            WebServer server = built.start();
            connections.listeningOn(config.get("server.host").asString().orElse("0.0.0.0"), server.port());
            logStarted(server, config, engine);
            int adminPort = server.port(observeSocket(config));
            Thread.ofVirtual().name("messages-warm-up").start(() -> warmUp.run(server.port(), adminPort));
            return new Service(server, engine, drain, Service.drainDelay(config.get("messages.drain-delay")));
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
     * The public port's connections, within {@code messages.connections} and the read timeout of
     * {@code server.connection-options}.
     *
     * @param config the whole config
     * @return the connections, for {@link #webServer}
     * @throws StartupException if a limit is not valid
     */
    public static Connections connections(Config config) {
        try {
            return new Connections(ConnectionLimits.from(config.get("messages.connections"), config.get("server")));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The public routing: the features every request passes through, in the order it meets
     * them (as Ktor's {@code Application.module()} installs its plugins), each from its own
     * config, then the routes. The warm-up marks its own rehearsals first; those are served like
     * any request, rolled back and counted nowhere.
     *
     * @param routing the routing to set up
     * @param config  the whole config
     * @param engine  the database engine
     * @param tracing where spans go
     * @param warmUp  the warm-up, whose rehearsals the features leave out of their counts
     * @param drain   the drain that asks clients to leave when the service stops
     * @return the routing
     */
    public static HttpRouting.Builder routing(HttpRouting.Builder routing, Config config, Engine engine, Tracing tracing,
                                              WarmUp warmUp, ConnectionDrain drain) {
        routing.addFilter(warmUp)                                                     // marks its rehearsals
                .addFilter(new NoSniff())                                              // on every answer
                .addFilter(new RequestId());                                           // X-Request-Id, kept or made
        clientAddress(config).ifPresent(routing::addFilter);                           // who a trusted proxy says sent it
        RequestTracing.of(tracing, MessageService.ROUTES).map(warmUp::passedBy).ifPresent(routing::addFilter); // a span around the rest
        AccessLog.from(config.get("messages.access-log")).map(warmUp::passedBy).ifPresent(routing::addFilter); // one line when sent
        routing.addFilter(new CloseWhenAsked())                                        // a Connection: close closes
                .addFilter(warmUp.passedBy(new RequestMetrics(MessageService.ROUTES))); // timed by route and status
        cors(config).ifPresent(routing::addFilter);                                    // other origins, if allowed
        routing.addFilter(drain)                                                       // stopping: clients asked to leave
                .addFilter(new TransactionFilter(engine, warmUp::isRehearsal))         // one transaction, ended before the first byte
                .register("/", new MessageService(new MessageStore(), MessageLimits.from(config.get("messages")),
                                                  engine, responseMemory(config), config.get("messages.compression")));
        ErrorResponses.register(routing);
        return routing;
    }

    /**
     * The public routing as {@link #routing(HttpRouting.Builder, Config, Engine, Tracing, WarmUp,
     * ConnectionDrain)} sets it up, without traces, warm-up or drain: for an application (or a
     * test) that builds its own server around the service's routes.
     *
     * @param routing the routing to set up
     * @param config  the whole config
     * @param engine  the database engine
     * @return the routing
     */
    public static HttpRouting.Builder routing(HttpRouting.Builder routing, Config config, Engine engine) {
        return routing(routing, config, engine, Tracing.off(), WarmUp.off(), new ConnectionDrain());
    }

    private static Optional<Filter> clientAddress(Config config) {
        try {
            return ClientAddress.from(config.get("messages.proxies"));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private static Optional<Filter> cors(Config config) {
        try {
            return Cors.from(config.get("messages.cors"));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    // What listings and pages may hold while their clients take them (messages.connections.response-memory).
    private static ResponseMemory responseMemory(Config config) {
        try {
            return ResponseMemory.from(config.get("messages.connections"));
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
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
                   server.port(), server.port(opsSocket), engine.storage().location().kind(), engine.storage().location().masked(),
                   ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
