package io.messages.web;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.messages.db.Causes;
import io.messages.db.DatabaseFailure;
import io.messages.db.RequestTransaction;
import io.messages.tracing.RequestTracing;

import org.jspecify.annotations.Nullable;

/**
 * Every exception a handler (or the transaction filter) throws, mapped to a response in one
 * place. A 4xx says in one sentence what was wrong with the request. A database that cannot
 * serve now ({@link DatabaseFailure#unavailable}, wherever in the request it failed) is a 503
 * with {@code Retry-After}, logged as one line, saying that nothing was stored, or, when a commit
 * was not confirmed ({@link DatabaseFailure#unconfirmed}), that it may have been (without
 * {@code Retry-After}); anything else is a 500, logged with its stack trace. No body carries
 * internals (stack trace, SQL).
 */
public final class ErrorResponses {
    private static final System.Logger LOGGER = System.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {
    }

    /**
     * Registers the error handlers on {@code routing}. A 503 counts in
     * {@code messages_db_unavailable_total} when its request's transaction counts
     * ({@link RequestTransaction#counted()}).
     *
     * @param routing the routing
     */
    public static void register(HttpRouting.Builder routing) {
        // The alerts' signal for "the database refuses work" (see docs/runbooks.md).
        Counter unavailable = Services.get(MeterRegistry.class).getOrCreate(
                Counter.builder("messages.db.unavailable")
                        .description("Requests answered 503 because the database could not complete them; "
                                             + "nothing of them was stored"));
        routing.error(HttpException.class, (req, res, e) -> httpError(req, res, e, counted(req) ? unavailable : null))
                .error(RuntimeException.class, (req, res, e) -> failure(req, res, e, counted(req) ? unavailable : null));
    }

    private static boolean counted(ServerRequest req) {
        return req.context().get(RequestTransaction.class).map(RequestTransaction::counted).orElse(true);
    }

    private static void httpError(ServerRequest req, ServerResponse res, HttpException e, @Nullable Counter unavailable) {
        // A 503 of the service's own (busy, with Retry-After) is an answer; any other 5xx a failure.
        if (e.status().code() >= 500 && e.status().code() != Status.SERVICE_UNAVAILABLE_503.code()) {
            failure(req, res, e, unavailable);
            return;
        }
        e.headers().forEach(res::header);
        send(res, e.status(), e.getMessage());
    }

    private static void failure(ServerRequest req, ServerResponse res, RuntimeException e, @Nullable Counter unavailable) {
        if (DatabaseFailure.unavailable(e)) {
            if (unavailable != null) {
                unavailable.increment();
            }
            // An outage fails many requests alike: one line each, not a stack trace each.
            LOGGER.log(System.Logger.Level.WARNING, "Request " + describe(req) + " answered 503: " + causes(e));
            if (DatabaseFailure.unconfirmed(e)) {
                // Not an invitation to retry blindly: the message may be there already.
                send(res, Status.SERVICE_UNAVAILABLE_503,
                     "The database did not confirm the request in time; it may have been stored. Check before trying again.");
                return;
            }
            res.header(HeaderNames.RETRY_AFTER, "1");
            send(res, Status.SERVICE_UNAVAILABLE_503, "The database could not complete the request; nothing was stored. Try again later.");
            return;
        }
        LOGGER.log(System.Logger.Level.ERROR, "Request " + describe(req) + " failed", e);
        send(res, Status.INTERNAL_SERVER_ERROR_500, "The request failed inside the service; nothing was stored.");
    }

    // "GET /record" and, when the request is traced, its trace id (to find it among the traces).
    private static String describe(ServerRequest req) {
        return req.prologue().method().text() + " " + req.path().path()
                + RequestTracing.traceId(req).map(id -> " (trace " + id + ")").orElse("");
    }

    // "what failed: why: root cause", each distinct message once.
    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : Causes.of(e)) {
            if (text.length() >= 500) {
                break;
            }
            String message = t.getMessage();
            if (message != null && !text.toString().contains(message)) {
                text.append(text.isEmpty() ? "" : ": ").append(message.strip());
            }
        }
        return text.toString();
    }

    private static void send(ServerResponse res, Status status, String text) {
        res.status(status);
        res.headers().contentType(HttpMediaTypes.PLAINTEXT_UTF_8);
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }
}
