package io.messages.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * {@code X-Content-Type-Options: nosniff} on every response, error answers included: the listing
 * and the answers echo what users sent, and a browser must never sniff any of them into HTML or
 * script. Installed first, so nothing a route or an error handler sends goes without it.
 */
public final class NoSniff implements Filter {
    /** The header. */
    public static final Header HEADER = HeaderValues.create("X-Content-Type-Options", "nosniff");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(HEADER);
        chain.proceed();
    }
}
