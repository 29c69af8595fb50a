package io.messages.app;

import java.nio.charset.StandardCharsets;

import io.helidon.dbclient.DbClientException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Every exception a handler (or the transaction filter) throws, mapped to a response in one
 * place. A 4xx says in one sentence what was wrong with the request; a 5xx says what failed,
 * without internals (no stack trace, no SQL), and is logged once with the request path.
 */
final class ErrorResponses {
    private static final System.Logger LOGGER = System.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(HttpException.class, ErrorResponses::httpError)
                .error(DbClientException.class, ErrorResponses::databaseError)
                .error(RuntimeException.class, ErrorResponses::internalError);
    }

    private static void httpError(ServerRequest req, ServerResponse res, HttpException e) {
        if (e.status().code() >= 500) {
            internalError(req, res, e);
            return;
        }
        e.headers().forEach(res::header);
        send(res, e.status(), e.getMessage());
    }

    private static void databaseError(ServerRequest req, ServerResponse res, DbClientException e) {
        log(req, e);
        // Unavailable now, not broken: outages, lock timeouts and deadlocks pass; nothing was kept.
        res.header(HeaderNames.RETRY_AFTER, "1");
        send(res, Status.SERVICE_UNAVAILABLE_503,
             "The database could not complete the request; nothing was stored. Try again later.");
    }

    private static void internalError(ServerRequest req, ServerResponse res, RuntimeException e) {
        log(req, e);
        send(res, Status.INTERNAL_SERVER_ERROR_500,
             "The request failed inside the service; nothing was stored.");
    }

    private static void log(ServerRequest req, Throwable e) {
        LOGGER.log(System.Logger.Level.ERROR,
                   "Request " + req.prologue().method().text() + " " + req.path().path() + " failed", e);
    }

    private static void send(ServerResponse res, Status status, String text) {
        res.status(status);
        res.headers().contentType(HttpMediaTypes.PLAINTEXT_UTF_8);
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }
}
