package io.messages.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * HTTP/1.1 (and 1.0) on every port with strict, unambiguous framing: Helidon's own HTTP/1
 * connection, fed only requests that {@link RequestFraming} found complete and valid
 * ({@link FramingGuard}), its responses framed as each client needs ({@link ResponseFraming}), and
 * fixed one-sentence answers for what the HTTP layer rejects ({@link PlainAnswers}). Every
 * rejected request gets exactly one 4xx and its connection is closed: after a framing error,
 * where the next request would begin cannot be known (RFC 9112 section 6.3), which is what
 * request smuggling exploits.
 */
public final class StrictHttp1 implements ServerConnectionSelector {
    private final ServerConnectionSelector http1;
    private final FramingLimits limits;
    private final Connections connections;

    private StrictHttp1(Http1Config config, FramingLimits limits, Connections connections) {
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.limits = limits;
        this.connections = connections;
    }

    /**
     * The web server configured by {@code config} (the {@code server} node), its default socket
     * speaking strict HTTP/1.1 with the limits of {@code config}
     * ({@code protocols.http_1_1.max-prologue-length}, {@code protocols.http_1_1.max-headers-size},
     * {@code max-payload-size}) and its connections kept within {@code connections}' limits.
     *
     * @param config      the {@code server} config node
     * @param connections the public port's connections
     * @return the builder, for routing and features to be added
     */
    public static WebServerConfig.Builder server(Config config, Connections connections) {
        return namedSockets(socket(WebServer.builder(), config, connections), config, connections);
    }

    /**
     * Configures {@code builder} as {@link #server(Config, Connections)} does, but for the public
     * socket's connection handling, which {@link #socket} sets: for Helidon's {@code @ServerTest},
     * whose {@code @SetUpServer} is given the server's builder and {@code @SetUpRoute} the public
     * socket's. It copies the socket's builder over the server's, and a connection selector set on
     * both would be there twice: with two, Helidon reads a connection's first bytes (with no
     * deadline) before either gets it, and a silent connection is never ended.
     *
     * @param builder     the server's builder
     * @param config      the {@code server} config node
     * @param connections the public port's connections
     * @return the builder
     */
    public static WebServerConfig.Builder serverWide(WebServerConfig.Builder builder, Config config, Connections connections) {
        return namedSockets(builder.config(without(config, "protocols")), config, connections);
    }

    // Every socket of server.sockets (the admin port) the same way, with connections of its own:
    // load balancers and proxies check health with HTTP/1.0 too.
    // Features are the service's own, none found on the class path: Helidon's CORS feature, which
    // the observe module brings, would answer every cross-origin request on every port with
    // Access-Control-Allow-Origin: * (cross-origin access is messages.cors's, off by default).
    private static WebServerConfig.Builder namedSockets(WebServerConfig.Builder builder, Config config,
                                                        Connections connections) {
        builder.featuresDiscoverServices(false).features(List.of()).addFeature(connections);
        for (Config named : config.get("sockets").asNodeList().orElse(List.of())) {
            String name = named.get("name").asString().orElseThrow(
                    () -> new IllegalArgumentException("every socket of server.sockets needs a name"));
            Connections own = new Connections(name, connections.limits().forSocket(named));
            builder.putSocket(name, socket(ListenerConfig.builder(), named, own).name(name).build())
                    .addFeature(own)
                    .addFeature(new HeadAsGet(name));
        }
        return builder;
    }

    /**
     * Configures the public socket's {@code builder} as {@link #server(Config, Connections)} does,
     * but for {@code connections}' feature, which is the server's ({@link #serverWide}).
     *
     * @param builder     the public socket's builder (or the server's, for its default socket)
     * @param config      the {@code server} config node
     * @param connections the public port's connections
     * @param <B>         the builder's type
     * @return the builder
     */
    public static <B extends ListenerConfig.BuilderBase<B, ?>> B socket(B builder, Config config, Connections connections) {
        Http1Config http1 = Http1Config.create(config.get("protocols.http_1_1"));
        long maxPayload = config.get("max-payload-size").asLong().filter(size -> size >= 0).orElse(Long.MAX_VALUE);
        // Only this selector on the socket. Helidon adds a protocol from config whatever the
        // builder says, and with its own HTTP/1 selector beside this one, a connection is read
        // by Helidon (with no deadline at all) until its first bytes tell which one takes it.
        return builder
                .config(without(config, "protocols"))
                .protocolsDiscoverServices(false)
                .protocols(List.of())
                .connectionSelectors(List.of(new StrictHttp1(
                        http1, new FramingLimits(http1.maxPrologueLength(), http1.maxHeadersSize(), maxPayload), connections)))
                .maxTcpConnections(connections.limits().acceptLimit())
                .directHandlers(PlainAnswers.directHandlers());
    }

    // config without the subtree at key (a flat copy: lists keep their numbered keys).
    private static Config without(Config config, String key) {
        Map<String, String> kept = new HashMap<>(config.detach().asMap().orElseGet(Map::of));
        kept.keySet().removeIf(name -> name.equals(key) || name.startsWith(key + "."));
        return Config.builder(ConfigSources.create(kept))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext context) {
        ClientConnection deadlines = new ClientConnection(context.serverSocket(), context.dataWriter(), connections.limits());
        if (!connections.admit(deadlines)) {
            return Refused.INSTANCE;
        }
        ResponseFraming responses = new ResponseFraming(new WatchedWriter(context.dataWriter(), deadlines));
        Guarded guarded = new Guarded(context, DataReader.create(new FramingGuard(context, limits, deadlines, responses)),
                                      responses);
        return new Counted(http1.connection(guarded), () -> connections.left(deadlines));
    }

    // Helidon's connection, and the place it held under the cap freed when it ends.
    private record Counted(ServerConnection connection, Runnable ended) implements ServerConnection {
        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                connection.handle(limit);
            } finally {
                ended.run();
            }
        }

        @Override
        public Duration idleTime() {
            return connection.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            connection.close(interrupt);
        }
    }

    // A connection closed at once, over the cap: nothing to handle.
    private enum Refused implements ServerConnection {
        INSTANCE;

        @Override
        public void handle(Limit limit) {
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
        }
    }

    // The connection as Helidon sees it: the client's bytes come through the guard, the
    // responses go out through the watched writer.
    private record Guarded(ConnectionContext context, DataReader dataReader, DataWriter dataWriter)
            implements ConnectionContext {
        @Override
        public ListenerContext listenerContext() {
            return context.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return context.executor();
        }

        @Override
        public Router router() {
            return context.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return context.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return context.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return context.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return context.localPeer();
        }

        @Override
        public boolean isSecure() {
            return context.isSecure();
        }

        @Override
        public String socketId() {
            return context.socketId();
        }

        @Override
        public String childSocketId() {
            return context.childSocketId();
        }
    }
}
