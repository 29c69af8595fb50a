package io.messages.http;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection after a response that says {@code Connection: close} (a stopping
 * server's drain, an error that ends the connection). Helidon, 4.5.0 as pinned here, sends the
 * header but then waits for the client's next request on the same connection
 * (helidon-io/helidon#12324). Installed ahead of the metrics, the drain, the transaction filter
 * and the routes ({@code Main.routing}), so that they have finished with the request when the
 * connection closes.
 */
public final class CloseWhenAsked implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (res.headers().contains(HeaderValues.CONNECTION_CLOSE)) {
            throw new CloseConnectionException("the response closes the connection");
        }
    }
}
