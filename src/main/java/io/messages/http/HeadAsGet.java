package io.messages.http;

import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.spi.ServerFeature;

/**
 * {@code HEAD} on every {@code GET} route of a socket whose routes are not the service's own (the
 * admin port: Helidon's health and metrics), as Ktor's {@code AutoHeadResponse} does: the request
 * is routed as a {@code GET}, and {@link ResponseFraming} sends its head alone. Load balancers and
 * uptime checks often probe with {@code HEAD}; the public routes answer it themselves, without the
 * work a body would take.
 */
final class HeadAsGet implements ServerFeature, Filter {
    private final String socket;

    HeadAsGet(String socket) {
        this.socket = socket;
    }

    @Override
    public void setup(ServerFeatureContext server) {
        server.socket(socket).httpRouting().addFilter(this);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        HttpPrologue head = req.prologue();
        if (head.method() == Method.HEAD) {
            req.prologue(HttpPrologue.create(head.rawProtocol(), head.protocol(), head.protocolVersion(), Method.GET,
                                             head.uriPath(), head.query(), head.fragment()));
        }
        chain.proceed();
    }

    @Override
    public String name() {
        return "messages-head-as-get-" + socket;
    }

    @Override
    public String type() {
        return "messages-head-as-get";
    }
}
