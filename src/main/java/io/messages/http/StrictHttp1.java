package io.messages.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.config.Config;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * HTTP/1.1 on the public port with strict, unambiguous framing: Helidon's own HTTP/1 connection,
 * fed only requests that {@link RequestFraming} found complete and valid ({@link FramingGuard}),
 * and fixed one-sentence answers for what the HTTP layer rejects ({@link PlainAnswers}). Every
 * rejected request gets exactly one 4xx and its connection is closed: after a framing error,
 * where the next request would begin cannot be known (RFC 9112 section 6.3), which is what
 * request smuggling exploits.
 */
public final class StrictHttp1 implements ServerConnectionSelector {
    private final ServerConnectionSelector http1;
    private final FramingLimits limits;
    private final Duration readTimeout;

    private StrictHttp1(Http1Config config, FramingLimits limits, Duration readTimeout) {
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
        this.limits = limits;
        this.readTimeout = readTimeout;
    }

    /**
     * Makes the default socket of {@code server} speak strict HTTP/1.1, with the limits of
     * {@code config} (the {@code server} node: {@code protocols.http_1_1.max-prologue-length},
     * {@code protocols.http_1_1.max-headers-size}, {@code max-payload-size} and
     * {@code connection-options.read-timeout}).
     *
     * @param server the web server's builder, already configured from {@code config}
     * @param config the {@code server} config node
     */
    public static void apply(WebServerConfig.Builder server, Config config) {
        Http1Config http1 = Http1Config.create(config.get("protocols.http_1_1"));
        long maxPayload = config.get("max-payload-size").asLong().filter(size -> size >= 0).orElse(Long.MAX_VALUE);
        Duration readTimeout = config.get("connection-options.read-timeout").as(Duration.class).orElse(Duration.ZERO);
        // Only this selector on the socket: with Helidon's own beside it, it would take some requests itself.
        server.protocolsDiscoverServices(false)
                .protocols(List.of())
                .connectionSelectors(List.of(new StrictHttp1(
                        http1, new FramingLimits(http1.maxPrologueLength(), http1.maxHeadersSize(), maxPayload), readTimeout)))
                .directHandlers(PlainAnswers.directHandlers());
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
        return http1.connection(new Guarded(context, DataReader.create(new FramingGuard(context, limits, readTimeout))));
    }

    // The connection as Helidon sees it: the client's bytes come through the guard.
    private record Guarded(ConnectionContext context, DataReader dataReader) implements ConnectionContext {
        @Override
        public ListenerContext listenerContext() {
            return context.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return context.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return context.dataWriter();
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
