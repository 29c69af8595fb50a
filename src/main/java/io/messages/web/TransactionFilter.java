package io.messages.web;

import java.util.function.Predicate;

import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;

/**
 * A transaction per request (the recipe's session tool), installed once in the routing.
 *
 * <p>Right before the response's first byte (its status line) leaves, the request's transaction
 * ends ({@code beforeSend}, Helidon 4.4+): one that wrote commits for a 2xx/3xx status and rolls
 * back otherwise, so a 2xx is never sent for work the database did not keep; if the commit fails,
 * nothing of that response is sent, and the exception goes to the routing's error handling, which
 * answers a 5xx. One that only read ends there too, so that no pooled connection (nor, on SQLite,
 * a read snapshot) is held while a client takes its time reading the response. An exception from
 * a handler rolls back; a handler that sent nothing has its transaction ended after it.
 *
 * <p>A dry run (as {@code dryRuns} tells) is served like any request, but its work is rolled
 * back whatever it answers, and it counts nowhere ({@link RequestTransaction#counted()}).
 */
public final class TransactionFilter implements Filter {
    private static final System.Logger LOGGER = System.getLogger(TransactionFilter.class.getName());

    private final Engine engine;
    private final Predicate<ServerRequest> dryRuns;

    /**
     * A filter that gives each request a transaction of {@code engine}.
     *
     * @param engine  the engine
     * @param dryRuns which requests are dry runs: served, never kept, never counted
     */
    public TransactionFilter(Engine engine, Predicate<ServerRequest> dryRuns) {
        this.engine = engine;
        this.dryRuns = dryRuns;
    }

    /**
     * The transaction of the request {@code req} (the recipe's {@code cherrypy.request.db}).
     *
     * @param req the current request
     * @return its transaction
     * @throws IllegalStateException if the routing has no {@code TransactionFilter}
     */
    public static RequestTransaction transactionOf(ServerRequest req) {
        return req.context().get(RequestTransaction.class)
                .orElseThrow(() -> new IllegalStateException(
                        "No request transaction: add TransactionFilter to the routing"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        RequestTransaction tx = engine.begin(dryRuns.test(req));
        req.context().register(tx);
        res.beforeSend(() -> tx.end(keeps(res.status())));
        try {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            tx.end(false);
            throw e;
        }
        if (!tx.isActive()) {
            return;
        }
        if (tx.wrote()) {
            // Reaching here with an open transaction that wrote means no response was sent, so
            // nothing may be kept.
            LOGGER.log(System.Logger.Level.WARNING, "No response was sent for {0} {1}; rolling back",
                       req.prologue().method().text(), req.path().path());
            tx.end(false);
        } else {
            tx.end(keeps(res.status()));
        }
    }

    private static boolean keeps(Status status) {
        return status.code() < 400;
    }
}
