package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import org.jspecify.annotations.Nullable;

/**
 * What the HTTP layer answers by itself, before any route: one fixed sentence in
 * {@code text/plain} chosen by the status, never the request's bytes, and the connection is
 * closed after it. Since Helidon 4.5 its own texts no longer echo the request, but it still hands
 * this handler no reason beyond the status (its message is withheld unless marked safe), and its
 * texts still differ by event; the framing guard ({@link RequestFraming}) answers most malformed
 * requests before Helidon sees them, so what reaches here is rare: a {@code Host} value Helidon
 * refuses, its own limits.
 */
final class PlainAnswers implements DirectHandler {
    private static final PlainAnswers INSTANCE = new PlainAnswers();
    private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 408, 413, 414, 431, 501);

    private PlainAnswers() {
    }

    /** These answers for every kind of event Helidon handles outside routing. */
    static DirectHandlers directHandlers() {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, INSTANCE);
        }
        return handlers.build();
    }

    /** A whole response for {@code rejection}: its status and sentence, closing the connection. */
    static BufferData raw(RequestFraming.Rejection rejection) {
        byte[] body = rejection.reason().getBytes(StandardCharsets.US_ASCII);
        String head = "HTTP/1.1 " + rejection.status().code() + " " + rejection.status().reasonPhrase() + "\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "X-Content-Type-Options: nosniff\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        return BufferData.create(BufferData.create(head.getBytes(StandardCharsets.US_ASCII)), BufferData.create(body));
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, @Nullable String message) {
        Status status = status(eventType, defaultStatus);
        return TransportResponse.builder()
                .status(status)
                .header(HeaderValues.CONNECTION_CLOSE)
                .header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
                .header(NoSniff.HEADER)
                .keepAlive(false)
                .entity(sentence(status).getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    private static String sentence(Status status) {
        return switch (status.code()) {
            case 400 -> "The request is not valid HTTP.";
            case 403 -> "The request is forbidden.";
            case 408 -> RequestFraming.TOO_SLOW.reason();
            case 413 -> RequestFraming.BODY_TOO_LARGE.reason();
            case 414 -> RequestFraming.LINE_TOO_LONG.reason();
            case 431 -> RequestFraming.HEADERS_TOO_LONG.reason();
            case 501 -> RequestFraming.OTHER_CODING.reason();
            case 505 -> RequestFraming.VERSION.reason();
            default -> "The server could not process the request.";
        };
    }

    // Helidon's status for a client's fault, 400 for any other it calls a bad request; 413 for a body over the limit.
    private static Status status(EventType type, Status status) {
        return switch (type) {
            case BAD_REQUEST -> CLIENT_ERRORS.contains(status.code()) ? status : Status.BAD_REQUEST_400;
            case PAYLOAD_TOO_LARGE -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            default -> status;
        };
    }
}
