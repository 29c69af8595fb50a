package io.messages.ops;

import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Moves keep-alive clients off a stopping server between requests. A stopping Helidon server
 * stops accepting connections but keeps open ones until the grace period ends, then cuts them,
 * which a client sees as a reset in the middle of its next request. Once {@link #start()} is
 * called, every response asks the client to close its connection instead; the client's next
 * request opens a new one, which is refused cleanly.
 */
public final class ConnectionDrain implements Filter {
    private final AtomicBoolean draining = new AtomicBoolean();

    /** Starts draining: from now on, every response carries {@code Connection: close}. */
    public void start() {
        draining.set(true);
    }

    /** Whether {@link #start()} was called. */
    public boolean isDraining() {
        return draining.get();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (draining.get()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        chain.proceed();
    }
}
