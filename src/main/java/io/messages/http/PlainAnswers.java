package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import org.jspecify.annotations.Nullable;

/**
 * What the HTTP layer answers by itself, before any route: one fixed sentence in
 * {@code text/plain}, never the request's bytes (Helidon's own texts echo hex dumps of the
 * request, or HTML-escape it inside {@code text/plain}), and the connection is closed after it.
 */
final class PlainAnswers implements DirectHandler {
    private static final PlainAnswers INSTANCE = new PlainAnswers();
    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
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
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        return BufferData.create(BufferData.create(head.getBytes(StandardCharsets.US_ASCII)), BufferData.create(body));
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, Throwable thrown,
                                    System.@Nullable Logger logger) {
        Status status = status(request, eventType, defaultStatus, thrown);
        return TransportResponse.builder()
                .status(status)
                .header(HeaderValues.CONNECTION_CLOSE)
                .header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
                .keepAlive(false)
                .entity(sentence(status, thrown).getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        return handle(request, eventType, defaultStatus, responseHeaders, new IllegalStateException(message), null);
    }

    // Helidon's own 400 texts name what it rejected, followed by the offending bytes: keep the what.
    private static String sentence(Status status, Throwable thrown) {
        String message = String.valueOf(thrown.getMessage());
        if (status.code() == 400 && (message.startsWith("Invalid path") || message.startsWith("Query")
                || message.startsWith("Fragment"))) {
            return RequestFraming.TARGET.reason();
        }
        if (status.code() == 400 && message.toLowerCase(Locale.ROOT).contains("host header")) {
            return "The Host header is not valid.";
        }
        return switch (status.code()) {
            case 400 -> "The request is not valid HTTP/1.1.";
            case 403 -> "The request is forbidden.";
            case 408 -> RequestFraming.TOO_SLOW.reason();
            case 413 -> RequestFraming.BODY_TOO_LARGE.reason();
            case 414 -> RequestFraming.LINE_TOO_LONG.reason();
            case 431 -> RequestFraming.HEADERS_TOO_LONG.reason();
            case 501 -> RequestFraming.OTHER_CODING.reason();
            default -> "The server could not process the request.";
        };
    }

    // Helidon's status, except where it calls a client's fault its own: an invalid method token
    // or a request cut short while its head was read end up as "internal errors" in 4.1.7.
    private static Status status(TransportRequest request, EventType type, Status status, Throwable thrown) {
        Throwable cause = thrown.getCause();
        return switch (type) {
            case BAD_REQUEST -> cause instanceof IllegalStateException && "Header size exceeded".equals(cause.getMessage())
                    ? HEADERS_TOO_LARGE
                    : CLIENT_ERRORS.contains(status.code()) ? status : Status.BAD_REQUEST_400;
            case PAYLOAD_TOO_LARGE -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case INTERNAL_ERROR -> request.method().isEmpty() && (cause instanceof IllegalArgumentException
                    || cause instanceof DataReader.InsufficientDataAvailableException) ? Status.BAD_REQUEST_400 : status;
            default -> status;
        };
    }
}
